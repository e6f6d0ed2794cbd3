/**
 * A git day that would remove 30% of a source, through the real `kbwatch` program: the scan
 * fails and says how to confirm, and `kbwatch scan --source N --allow-removals` lets it through.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS, createDatabase, skipReason } from './stores.ts';
import { GitFixture, article } from './git-fixture.ts';
import { runKbwatch } from './process.ts';

interface SourceJson {
  name: string;
  status: string;
  ref: string;
  counts: Record<string, number>;
  errors: { path: string; message: string }[];
}

for (const dialect of DIALECTS) {
  describe(`kbwatch scan --allow-removals (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    test(
      'a git day removing 30% fails, and is confirmed for its source only',
      { skip, timeout: 180_000 },
      async () => {
        const tdb = await createDatabase(dialect);
        const dataDir = mkdtempSync(join(tmpdir(), 'kbwatch-cli-guard-'));
        const env = { KBWATCH_DATABASE_URL: tdb.url, KBWATCH_DATA_DIR: dataDir, KBWATCH_LOG_LEVEL: 'warn' };
        const kb = (args: string[]) => runKbwatch(args, env);
        const scan = async (args: string[] = []) => {
          const r = await kb(['scan', '--json', ...args]);
          return { code: r.code, stderr: r.stderr, sources: JSON.parse(r.stdout).sources as SourceJson[] };
        };
        const repo = new GitFixture();
        try {
          for (let n = 1; n <= 100; n++)
            repo.write(`support/net/art-${n}.md`, article({ title: `Network article ${n}`, kb: 620000 + n }));
          const day1 = repo.commit('day 1');
          assert.equal((await kb(['migrate'])).code, 0);
          const added = await kb([
            'source',
            'add',
            'git',
            repo.url,
            '--name',
            'support',
            '--path',
            'support/',
          ]);
          assert.equal(added.code, 0, added.stderr);
          const first = await scan();
          assert.equal(first.code, 0, first.stderr);
          assert.equal(first.sources[0].counts.new, 100);

          for (let n = 1; n <= 30; n++) repo.remove(`support/net/art-${n}.md`);
          const day2 = repo.commit('day 2');
          const stopped = await scan();
          assert.equal(stopped.code, 2, 'a failed source is exit status 2');
          assert.equal(stopped.sources[0].status, 'failed');
          assert.equal(stopped.sources[0].counts.removed, 0);
          assert.equal(
            stopped.sources[0].errors[0].message,
            'scan: support would retire 30 of 100 live articles (30%); nothing was retired. ' +
              'If that is right, run `kbwatch scan --source support --allow-removals` ' +
              'or use "Allow removals" on the admin sources page.',
          );
          const text = await kb(['scan']);
          assert.equal(text.code, 2);
          assert.match(
            text.stdout,
            /support: failed .*\n {2}error \(source\): scan: support would retire 30 of 100/,
          );
          let [listed] = JSON.parse((await kb(['source', 'list', '--json'])).stdout);
          assert.equal(listed.cursor, day1, 'the cursor did not move');
          assert.match(listed.lastError, /would retire 30 of 100/);

          const everywhere = await kb(['scan', '--allow-removals']);
          assert.equal(everywhere.code, 1);
          assert.match(everywhere.stderr, /--allow-removals needs --source/);

          const confirmed = await scan(['--source', 'support', '--allow-removals']);
          assert.equal(confirmed.code, 0, confirmed.stderr);
          assert.equal(confirmed.sources[0].status, 'ok');
          assert.equal(confirmed.sources[0].ref, day2);
          assert.equal(confirmed.sources[0].counts.removed, 30);
          [listed] = JSON.parse((await kb(['source', 'list', '--json'])).stdout);
          assert.equal(listed.cursor, day2);
          assert.equal(listed.lastError, null);

          // The confirmation was for that scan only: the next large removal stops again.
          for (let n = 31; n <= 60; n++) repo.remove(`support/net/art-${n}.md`);
          repo.commit('day 3');
          const day3 = await scan();
          assert.equal(day3.code, 2);
          assert.match(day3.sources[0].errors[0].message, /would retire 30 of 70 live articles \(43%\)/);
        } finally {
          rmSync(repo.dir, { recursive: true, force: true });
          rmSync(dataDir, { recursive: true, force: true });
          await tdb.drop();
        }
      },
    );
  });
}
