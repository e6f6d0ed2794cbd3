/** Two scans of one source at once: exactly one runs, the other reports `busy` and does nothing. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, createStore, skipReason } from './stores.ts';
import { testContext } from './context.ts';
import { GitFixture, article } from './git-fixture.ts';
import { addSource } from '../src/scan/sources.ts';
import { scanAll } from '../src/scan/run.ts';
import { withScanLock } from '../src/store/locks.ts';
import { runKbwatch } from './process.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

for (const dialect of DIALECTS) {
  describe(`scan lock (${dialect})`, async () => {
    const skip = await skipReason(dialect);
    test('one scan per source at a time', { skip, timeout: 120_000 }, async () => {
      const store = await createStore(dialect);
      try {
        const repo = new GitFixture();
        for (let i = 0; i < 300; i++)
          repo.write(`support/a/article-${i}.md`, article({ title: `Article ${i}`, kb: 700000 + i }));
        repo.commit('day 1');
        const ctx = testContext(store);
        await addSource(ctx, {
          kind: 'git',
          location: repo.url,
          name: 'fixture',
          options: { path: 'support/' },
        });
        const [a, b] = await Promise.all([scanAll(ctx, {}), scanAll(ctx, {})]);
        const statuses = [a[0].status, b[0].status].sort();
        assert.deepEqual(statuses, ['busy', 'ok']);
        const n = await store.db
          .selectFrom('changes')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(n.n), 300);
        const [again] = await scanAll(ctx, {});
        assert.equal(again.status, 'up-to-date', 'the lock is released afterwards');
      } finally {
        await store.close();
      }
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`kbwatch scan on a busy source (${dialect})`, async () => {
    const skip = await skipReason(dialect);
    test('exits 3 and says who holds the source and since when', { skip, timeout: 120_000 }, async () => {
      const store = await createStore(dialect);
      try {
        const repo = new GitFixture();
        repo.write('support/a/one.md', article({ title: 'One', kb: 710001 }));
        repo.commit('day 1');
        const ctx = testContext(store);
        const source = await addSource(ctx, {
          kind: 'git',
          location: repo.url,
          name: 'fixture',
          options: { path: 'support/' },
        });
        const env = {
          KBWATCH_DATABASE_URL: store.url,
          KBWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'kbwatch-busy-')),
          KBWATCH_LOG_LEVEL: 'error',
        };
        const r = await withScanLock(store, source.id, () => runKbwatch(['scan', '--json'], env, 60_000));
        assert.equal(r.code, 3, r.stderr);
        const [report] = JSON.parse(r.stdout).sources;
        assert.equal(report.status, 'busy');
        assert.match(report.message, /already running \(held by [^ ]+:\d+ since \d{4}-\d\d-\d\dT/);
        const free = await runKbwatch(['scan', '--json'], env, 60_000);
        assert.equal(free.code, 0, free.stderr);
      } finally {
        await store.close();
      }
    });
  });
}
