/**
 * A scan killed with SIGKILL half-way leaves the database consistent, and the next scan
 * completes the work: every article once, every change once, the cursor at the target.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DIALECTS, createStore, skipReason } from './stores.ts';
import { testContext } from './context.ts';
import { GitFixture, article } from './git-fixture.ts';
import { runKbwatch, startKbwatch, waitFor } from './process.ts';
import { addSource } from '../src/scan/sources.ts';

const N = 1500;

async function killMidway(
  env: Record<string, string>,
  progress: () => Promise<number>,
  total: number,
): Promise<number> {
  const child = startKbwatch(['scan'], env);
  await waitFor(
    async () => (await progress()) > 0 || child.exitCode !== null,
    120_000,
    'the scan to commit a batch',
  );
  child.kill('SIGKILL');
  await new Promise((r) => child.on('exit', r));
  const done = await progress();
  assert.ok(done < total, `killed half-way (${done} of ${total} done)`);
  return done;
}

for (const dialect of DIALECTS) {
  describe(`scan killed half-way (${dialect})`, async () => {
    const skip = await skipReason(dialect);
    test('the next scan completes the work exactly once', { skip, timeout: 300_000 }, async () => {
      const store = await createStore(dialect);
      try {
        const repo = new GitFixture();
        for (let i = 0; i < N; i++)
          repo.write(
            `support/area${i % 10}/article-${i}.md`,
            article({
              title: `Article number ${i} about widgets`,
              kb: 500000 + i,
              body: `Body of article ${i}. `.repeat(30),
            }),
          );
        const day1 = repo.commit('day 1');
        const ctx = testContext(store);
        await addSource(ctx, {
          kind: 'git',
          location: repo.url,
          name: 'fixture',
          options: { path: 'support/' },
        });
        const env = {
          KBWATCH_DATABASE_URL: store.url,
          KBWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'kbwatch-kill-')),
          KBWATCH_LOG_LEVEL: 'warn',
          // A killed scan's lock frees this long after its last heartbeat.
          KBWATCH_LEASE_SECONDS: '2',
        };
        const leaseExpiry = () => new Promise((r) => setTimeout(r, 2_100));

        const count = async (table: 'articles' | 'changes') =>
          Number(
            (
              await store.db
                .selectFrom(table)
                .select((eb) => eb.fn.countAll().as('n'))
                .executeTakeFirstOrThrow()
            ).n,
          );
        await killMidway(env, () => count('articles'), N);
        const src = await store.db.selectFrom('sources').select('cursor').executeTakeFirstOrThrow();
        assert.equal(src.cursor, null, 'the cursor did not move with half the data');

        await leaseExpiry();
        const rerun = await runKbwatch(['scan', '--json'], env, 240_000);
        assert.equal(rerun.code, 0, rerun.stderr);
        assert.equal(await count('articles'), N);
        const perArticle = await sql<{
          n: number;
        }>`SELECT COUNT(*) AS n FROM changes GROUP BY article_id HAVING COUNT(*) <> 1`.execute(store.db);
        assert.equal(perArticle.rows.length, 0, 'one new change per article');
        const revisions = await store.db
          .selectFrom('revisions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(revisions.n), N);
        assert.equal(
          (await store.db.selectFrom('sources').select('cursor').executeTakeFirstOrThrow()).cursor,
          repo.git('rev-parse', 'HEAD').trim(),
        );
        assert.notEqual(day1, '');

        // Day 2: 600 edits and 300 renames, killed half-way again.
        for (let i = 0; i < 600; i++)
          repo.write(
            `support/area${i % 10}/article-${i}.md`,
            article({
              title: `Article number ${i} about widgets`,
              kb: 500000 + i,
              body: `Edited body of article ${i} with new words. `.repeat(30),
            }),
          );
        for (let i = 700; i < 1000; i++)
          repo.move(`support/area${i % 10}/article-${i}.md`, `support/moved/article-${i}.md`);
        repo.commit('day 2');
        const before = await count('changes');
        await killMidway(env, async () => (await count('changes')) - before, 900);
        await leaseExpiry();
        const again = await runKbwatch(['scan', '--json'], env, 240_000);
        assert.equal(again.code, 0, again.stderr);
        const day2 = await store.db
          .selectFrom('changes')
          .select(['kind', 'path', 'article_id'])
          .where('id', '>', before)
          .execute();
        assert.equal(day2.filter((c) => c.kind === 'updated').length, 600);
        assert.equal(day2.filter((c) => c.kind === 'moved').length, 300);
        assert.equal(new Set(day2.map((c) => c.article_id)).size, 900, 'each article changed once');
        assert.equal(await count('articles'), N, 'renames kept identity');
      } finally {
        await store.close();
      }
    });
  });
}
