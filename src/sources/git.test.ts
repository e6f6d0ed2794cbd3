import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { GitFixture } from '../../test/git-fixture.ts';
import { days, repoCopy, sharedSkipReason } from '../../test/shared-kb.ts';
import { GitMirror, parseNameStatus, type BlobResult } from './git.ts';
import { runGit } from './git-run.ts';
import { isArticlePath, parseMarkdownArticle } from './markdown.ts';

const temp = mkdtempSync(join(tmpdir(), 'kbwatch-git-test-'));
after(() => rmSync(temp, { recursive: true, force: true }));
let mirrors = 0;
const mirrorDir = () => join(temp, `mirror-${++mirrors}`);

async function collect(it: AsyncIterable<BlobResult>): Promise<BlobResult[]> {
  const out: BlobResult[] = [];
  for await (const r of it) out.push(r);
  return out;
}

function text(r: BlobResult): string {
  assert.ok('data' in r, `expected data for ${r.path}, got ${'error' in r ? r.error : ''}`);
  return r.data.toString('utf8');
}

describe('GitMirror on a small repository', () => {
  const repo = new GitFixture();
  repo.write('support/a/one.md', '# One\n\nfirst\n').write('support/a/two.md', '# Two\n\nsecond\n');
  repo
    .write('support/b/with space ü.md', '# Späce\n')
    .write('support/includes/inc.md', 'included\n')
    .write('README.md', 'readme\n');
  const first = repo.commit('first');
  const mirror = new GitMirror(mirrorDir(), repo.url, { timeoutMs: 30_000 });

  test('clone is a partial mirror; resolve and listFiles', async () => {
    await mirror.ensure();
    assert.equal(
      execFileSync('git', ['config', 'remote.origin.promisor'], { cwd: mirror.dir, encoding: 'utf8' }).trim(),
      'true',
    );
    assert.equal(await mirror.resolve(), first);
    assert.equal(await mirror.resolve('main'), first);
    assert.deepEqual(await mirror.listFiles(first, 'support/'), [
      'support/a/one.md',
      'support/a/two.md',
      'support/b/with space ü.md',
      'support/includes/inc.md',
    ]);
    assert.equal((await mirror.listFiles(first, '')).length, 5);
    await assert.rejects(mirror.resolve('no-such-branch'), /git source: no commit "no-such-branch"/);
    await assert.rejects(mirror.resolve('--output=x'), /invalid revision/);
  });

  test('readBlobs fetches missing blobs in one go and answers in order', async () => {
    const missingBefore = execFileSync(
      'git',
      ['rev-list', '--objects', '--missing=print', '--no-walk', first],
      { cwd: mirror.dir, encoding: 'utf8' },
    );
    assert.match(missingBefore, /^\?/m, 'blobs are not fetched by the clone');
    const paths = [
      'support/b/with space ü.md',
      'support/a/one.md',
      'support/nope.md',
      'support/a',
      'support/a/two.md',
    ];
    const got = await collect(mirror.readBlobs(first, paths));
    assert.deepEqual(
      got.map((r) => r.path),
      paths,
    );
    assert.equal(text(got[0]), '# Späce\n');
    assert.equal(text(got[1]), '# One\n\nfirst\n');
    assert.match('error' in got[2] ? got[2].error : '', /support\/nope\.md not found/);
    assert.match('error' in got[3] ? got[3].error : '', /support\/a is a tree, not a file/);
    assert.equal(text(got[4]), '# Two\n\nsecond\n');
  });

  test('fetch brings new commits; diff reports adds, edits, deletes and renames', async () => {
    repo.move('support/a/one.md', 'support/c/one-moved.md');
    repo.write('support/a/two.md', '# Two\n\nsecond, edited\n');
    repo.remove('support/b/with space ü.md');
    repo.write('support/new file.md', '# New\n').write('support/notes.txt', 'not markdown\n');
    const second = repo.commit('second');
    await mirror.ensure();
    assert.equal(await mirror.resolve(), second);
    const changes = await mirror.diff(first, second, 'support/');
    const byPath = new Map(changes.map((c) => [c.path, c]));
    assert.equal(changes.length, 4);
    assert.deepEqual(byPath.get('support/c/one-moved.md'), {
      status: 'R',
      path: 'support/c/one-moved.md',
      oldPath: 'support/a/one.md',
      similarity: 100,
    });
    assert.deepEqual(byPath.get('support/a/two.md'), { status: 'M', path: 'support/a/two.md' });
    assert.deepEqual(byPath.get('support/b/with space ü.md'), {
      status: 'D',
      path: 'support/b/with space ü.md',
    });
    assert.deepEqual(byPath.get('support/new file.md'), { status: 'A', path: 'support/new file.md' });
    const [moved] = await collect(mirror.readBlobs(second, ['support/c/one-moved.md']));
    assert.equal(text(moved), '# One\n\nfirst\n');
  });

  test('a bulk move with small edits is reported as renames', async () => {
    for (let i = 0; i < 60; i++)
      repo.write(
        `support/sql/old-${i}.md`,
        `# Article ${i}\n\n${'Line of text about topic ' + i + '.\n'.repeat(1)}`.repeat(20),
      );
    const before = repo.commit('many');
    for (let i = 0; i < 60; i++) {
      repo.move(`support/sql/old-${i}.md`, `support/sql/database-engine/new-${i}.md`);
      if (i % 3 === 0)
        repo.write(
          `support/sql/database-engine/new-${i}.md`,
          `# Article ${i}\n\nclick → select\n${'Line of text about topic ' + i + '.\n'.repeat(1)}`.repeat(20),
        );
    }
    const afterMove = repo.commit('move');
    await mirror.ensure();
    const changes = await mirror.diff(before, afterMove, 'support/');
    assert.equal(changes.length, 60);
    assert.ok(changes.every((c) => c.status === 'R' && c.oldPath?.startsWith('support/sql/old-')));
    assert.equal(changes.filter((c) => c.similarity === 100).length, 40);
  });

  test('a changed source location is followed on the next fetch', async () => {
    const copy = join(temp, 'moved-remote.git');
    execFileSync('git', ['clone', '-q', '--bare', repo.dir, copy]);
    execFileSync('git', ['config', 'uploadpack.allowFilter', 'true'], { cwd: copy });
    const moved = new GitMirror(mirror.dir, `file://${copy}`, { timeoutMs: 30_000 });
    await moved.ensure();
    assert.equal(
      execFileSync('git', ['config', 'remote.origin.url'], { cwd: mirror.dir, encoding: 'utf8' }).trim(),
      `file://${copy}`,
    );
  });
});

describe('GitMirror failures', () => {
  test('an unreachable remote rejects with the git message, and leaves nothing behind', async () => {
    const dir = mirrorDir();
    const m = new GitMirror(dir, `file://${join(temp, 'does-not-exist.git')}`, { timeoutMs: 30_000 });
    await assert.rejects(
      m.ensure(),
      /^Error: git source: clone of file:\/\/.*does-not-exist\.git failed: fatal: .*does-not-exist\.git/,
    );
    assert.equal(existsSync(dir), false);
  });

  test('a corrupt remote rejects', async () => {
    const bad = join(temp, 'corrupt.git');
    mkdirSync(join(bad, 'objects'), { recursive: true });
    writeFileSync(join(bad, 'HEAD'), 'garbage\n');
    await assert.rejects(
      new GitMirror(mirrorDir(), `file://${bad}`, { timeoutMs: 30_000 }).ensure(),
      /git source: clone of .*corrupt\.git failed: /,
    );
  });

  test('a remote that disappears after the clone makes fetch reject', async () => {
    const repo = new GitFixture();
    repo.write('support/x.md', '# X\n').commit();
    const m = new GitMirror(mirrorDir(), repo.url, { timeoutMs: 30_000 });
    await m.ensure();
    rmSync(repo.dir, { recursive: true, force: true });
    await assert.rejects(m.ensure(), /git source: fetch from file:\/\/.* failed: fatal: /);
  });

  test('ext:: and other transports are refused; option-like URLs too', async () => {
    const marker = join(temp, 'ext-ran');
    const m = new GitMirror(mirrorDir(), `ext::sh -c touch% ${marker}`, { timeoutMs: 30_000 });
    await assert.rejects(m.ensure(), /git source: clone of ext::.* failed: .*(not allowed|unsupported)/i);
    assert.equal(existsSync(marker), false);
    assert.throws(
      () => new GitMirror(mirrorDir(), '--upload-pack=touch x', { timeoutMs: 1000 }),
      /invalid repository URL/,
    );
  });

  test('commands have a time limit (which stops their helpers too) and an output cap', async () => {
    const started = Date.now();
    await assert.rejects(
      runGit(['-c', 'alias.wait=!sleep 5', 'wait'], { cwd: temp, timeoutMs: 300 }),
      /timed out after 300 ms/,
    );
    assert.ok(Date.now() - started < 3000, 'no wait for the helper holding the output pipe');
    await assert.rejects(
      runGit(['version', '--build-options'], { cwd: temp, timeoutMs: 10_000, maxOutputBytes: 10 }),
      /output larger than 10 bytes/,
    );
  });
});

test('parseNameStatus reads -z output with odd paths', () => {
  const out = Buffer.from(
    [
      'M',
      'a\tb.md',
      'R087',
      'old\nname.md',
      'new name.md',
      'A',
      'ü/ä.md',
      'D',
      'gone.md',
      'T',
      't.md',
      'C100',
      'x.md',
      'copy.md',
      '',
    ].join('\0'),
  );
  assert.deepEqual(parseNameStatus(out), [
    { status: 'M', path: 'a\tb.md' },
    { status: 'R', path: 'new name.md', oldPath: 'old\nname.md', similarity: 87 },
    { status: 'A', path: 'ü/ä.md' },
    { status: 'D', path: 'gone.md' },
    { status: 'M', path: 't.md' },
    { status: 'A', path: 'copy.md' },
  ]);
});

describe('the real support KB', () => {
  const skip = sharedSkipReason('support-articles.git');

  test('2022-12-30 moved 226 SQL articles: all reported as renames', { skip }, async () => {
    const remote = repoCopy('support-articles.git');
    const commitOf = new Map(days(remote).map((d) => [d.date, d.commit]));
    const m = new GitMirror(mirrorDir(), `file://${remote}`, { timeoutMs: 120_000 });
    await m.ensure();
    const changes = await m.diff(commitOf.get('2022-12-29')!, commitOf.get('2022-12-30')!, 'support/');
    const renames = changes.filter((c) => c.status === 'R');
    assert.equal(renames.length, 226);
    assert.equal(renames.filter((c) => c.similarity === 100).length, 184);
    assert.ok(
      renames.every((c) => c.oldPath!.startsWith('support/sql/') && c.path.startsWith('support/sql/')),
    );
    assert.ok(renames.filter((c) => c.path.startsWith('support/sql/database-engine/')).length >= 220);
  });

  test('every article at the last commit reads and parses', { skip }, async () => {
    const m = new GitMirror(mirrorDir(), `file://${repoCopy('support-articles.git')}`, {
      timeoutMs: 120_000,
    });
    await m.ensure();
    const head = await m.resolve();
    const files = await m.listFiles(head, 'support/');
    const blobs = new Map<string, Buffer>();
    for await (const r of m.readBlobs(head, files)) if ('data' in r) blobs.set(r.path, r.data);
    assert.equal(blobs.size, files.length);
    const readInclude = (p: string) => blobs.get(p)?.toString('utf8');
    const articles = files.filter((p) => isArticlePath(p, 'support/'));
    const errors: string[] = [];
    let withKb = 0;
    for (const path of articles) {
      try {
        if (
          parseMarkdownArticle(path, blobs.get(path)!, {
            urlTemplate: 'learn-support',
            readInclude,
            maxBytes: 5_000_000,
          }).kb
        )
          withKb++;
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    assert.deepEqual(errors, []);
    assert.ok(articles.length > 5800, `${articles.length} articles`);
    assert.ok(withKb > 0.75 * articles.length, `${withKb} with a KB number`);
  });
});
