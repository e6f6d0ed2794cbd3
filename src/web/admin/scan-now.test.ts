/** "Scan now" goes through the scan lock like every other scan: a source being scanned is busy. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { testContext } from '../../../test/context.ts';
import { GitFixture, article } from '../../../test/git-fixture.ts';
import { createStore, DIALECTS, skipReason } from '../../../test/stores.ts';
import { scanAll } from '../../scan/run.ts';
import { addSource } from '../../scan/sources.ts';
import { withScanLock } from '../../store/locks.ts';
import { scanInProgress, scansStarted, startScan } from './scan-now.ts';

for (const dialect of DIALECTS) {
  describe(`web: admin scan now (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it(
      'does not start a scan of a source whose lock is held, and starts one once it is free',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          const repo = new GitFixture();
          repo.write('support/a/one.md', article({ title: 'One', kb: 810001 })).commit('day 1');
          const ctx = testContext(store);
          const source = await addSource(ctx, {
            kind: 'git',
            location: repo.url,
            name: 'fixture',
            options: { path: 'support/' },
          });
          assert.equal(await scanInProgress(ctx, source.id), false);

          await withScanLock(store, source.id, async () => {
            assert.equal(await scanInProgress(ctx, source.id), true);
            const busy = await startScan(ctx, source);
            assert.equal(busy.started, false);
            await busy.done;
            const [cli] = await scanAll(ctx, {});
            assert.equal(cli.status, 'busy', 'the command line and the scheduler see the same lock');
          });
          assert.equal(
            await store.db.selectFrom('scans').select('id').executeTakeFirst(),
            undefined,
            'nothing ran',
          );

          const scan = await startScan(ctx, source);
          assert.equal(scan.started, true);
          await scansStarted();
          assert.equal(await scanInProgress(ctx, source.id), false);
          const kbs = await store.db.selectFrom('articles').select('kb').execute();
          assert.deepEqual(
            kbs.map((a) => a.kb),
            [810001],
          );
        } finally {
          await store.close();
        }
      },
    );
  });
}
