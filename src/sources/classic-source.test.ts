/**
 * A classic location that vanished is not a knowledge base that was emptied: an empty or
 * missing directory and an archive cut between two members reject instead of yielding nothing.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { readClassicSource } from './classic-source.ts';

const dir = mkdtempSync(join(tmpdir(), 'kbwatch-classic-source-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function readAll(location: string): Promise<string[]> {
  const paths: string[] = [];
  for await (const f of readClassicSource(location)) paths.push(f.path);
  return paths;
}

function article(n: number): string {
  return `DOCUMENT:Q${n}  08-AUG-2001  [winnt]\nTITLE   :Article ${n}\n\nBody of ${n}.\n`.padEnd(1500, '.');
}

describe('classic source locations', () => {
  const tree = join(dir, 'tree');
  mkdirSync(join(tree, 'txt'), { recursive: true });
  for (const n of [100001, 100002, 100003]) writeFileSync(join(tree, 'txt', `Q${n}.TXT`), article(n));
  const archive = join(dir, 'kb.tar');
  const members = ['txt/Q100001.TXT', 'txt/Q100002.TXT', 'txt/Q100003.TXT'];
  execFileSync('tar', ['-cf', archive, '-C', tree, ...members]);

  test('a directory and a whole archive yield every article', async () => {
    assert.deepEqual(await readAll(tree), ['txt/Q100001.TXT', 'txt/Q100002.TXT', 'txt/Q100003.TXT']);
    assert.deepEqual(await readAll(archive), members);
  });

  test('an empty directory rejects', async () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty);
    await assert.rejects(readAll(empty), /holds no classic article files/);
  });

  test('a directory without article files rejects', async () => {
    const other = join(dir, 'other');
    mkdirSync(other);
    writeFileSync(join(other, 'README.md'), 'not an article');
    await assert.rejects(readAll(other), /holds no classic article files/);
  });

  test('a missing path rejects', async () => {
    await assert.rejects(readAll(join(dir, 'not-mounted')), /cannot read .*ENOENT/);
  });

  test('an archive cut between two members rejects after yielding what it held', async () => {
    const whole = readFileSync(archive);
    // Each member is a header block and 3 data blocks: keep the first two members whole.
    const cut = join(dir, 'cut.tar');
    writeFileSync(cut, whole.subarray(0, 512 * 4 * 2));
    const seen: string[] = [];
    await assert.rejects(async () => {
      for await (const f of readClassicSource(cut)) seen.push(f.path);
    }, /truncated/);
    assert.deepEqual(seen, ['txt/Q100001.TXT', 'txt/Q100002.TXT']);
  });

  test('an empty archive rejects', async () => {
    const empty = join(dir, 'empty.tar');
    writeFileSync(empty, Buffer.alloc(1024));
    await assert.rejects(readAll(empty), /holds no classic article files/);
  });
});
