import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertArticle, insertChange } from '../../test/api-factories.ts';
import { insertSource } from '../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import {
  beginScan,
  changeCountsByDay,
  finishScan,
  hasAnyScan,
  recentScans,
  recordScanErrors,
  refreshPlannerStatistics,
} from './scans.ts';

const counts = { new: 2, updated: 0, metadata: 1, moved: 0, removed: 0, unchanged: 5, errors: 1 };

for (const dialect of DIALECTS) {
  describe(`store: scans (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it('records a run from start to finish, with its file errors', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const sourceId = await insertSource(store.db, 'docs');
        const at = '2024-02-01T03:00:00.000Z';
        const id = await beginScan(store.db, { sourceId, fromRef: 'aaa', at });
        let [run] = await recentScans(store.db);
        assert.equal(run.status, 'running');
        assert.equal(run.finishedAt, null);
        assert.deepEqual(run.counts, {});
        await recordScanErrors(store.db, { scanId: id, sourceId, at }, []);
        await recordScanErrors(store.db, { scanId: id, sourceId, at }, [
          { path: 'support/a.md', message: 'broken front matter' },
          { path: 'support/b.md', message: 'z'.repeat(3000) },
        ]);
        const errors = await store.db
          .selectFrom('scan_errors')
          .select(['path', 'message'])
          .orderBy('id')
          .execute();
        assert.deepEqual(
          errors.map((e) => [e.path, e.message.length]),
          [
            ['support/a.md', 19],
            ['support/b.md', 2000],
          ],
        );
        await finishScan(store.db, id, {
          status: 'ok',
          at: '2024-02-01T03:05:00.000Z',
          toRef: 'bbb',
          counts,
        });
        [run] = await recentScans(store.db);
        assert.deepEqual(run, {
          id,
          source: 'docs',
          startedAt: at,
          finishedAt: '2024-02-01T03:05:00.000Z',
          status: 'ok',
          counts,
          message: null,
          toRef: 'bbb',
          errors: 2,
        });
      } finally {
        await store.close();
      }
    });

    it('knows whether any scan has begun yet, of any source and outcome', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        assert.equal(await hasAnyScan(store.db), false, 'a fresh archive');
        await insertSource(store.db, 'docs');
        const other = await insertSource(store.db, 'other');
        assert.equal(await hasAnyScan(store.db), false, 'sources alone are no scan');
        const id = await beginScan(store.db, {
          sourceId: other,
          fromRef: null,
          at: '2024-02-01T03:00:00.000Z',
        });
        assert.equal(await hasAnyScan(store.db), true, 'a running scan counts');
        await finishScan(store.db, id, {
          status: 'failed',
          at: '2024-02-01T03:01:00.000Z',
          counts,
          message: 'x',
        });
        assert.equal(await hasAnyScan(store.db), true, 'so does a failed one');
      } finally {
        await store.close();
      }
    });

    it('closes a run left running as interrupted when the next one begins', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const docs = await insertSource(store.db, 'docs');
        const other = await insertSource(store.db, 'other');
        const dead = await beginScan(store.db, {
          sourceId: docs,
          fromRef: null,
          at: '2024-02-01T03:00:00.000Z',
        });
        const elsewhere = await beginScan(store.db, {
          sourceId: other,
          fromRef: null,
          at: '2024-02-01T03:00:00.000Z',
        });
        const next = await beginScan(store.db, {
          sourceId: docs,
          fromRef: null,
          at: '2024-02-02T03:00:00.000Z',
        });
        const runs = new Map((await recentScans(store.db)).map((r) => [r.id, r]));
        assert.equal(runs.get(dead)?.status, 'failed');
        assert.equal(runs.get(dead)?.message, 'interrupted');
        assert.equal(runs.get(dead)?.finishedAt, '2024-02-02T03:00:00.000Z');
        assert.equal(runs.get(elsewhere)?.status, 'running', "another source's run is not touched");
        assert.equal(runs.get(next)?.status, 'running');
        await finishScan(store.db, next, {
          status: 'failed',
          at: '2024-02-02T03:01:00.000Z',
          counts,
          message: 'm'.repeat(2500),
        });
        const failed = (await recentScans(store.db)).find((r) => r.id === next);
        assert.equal(failed?.status, 'failed');
        assert.equal(failed?.message?.length, 2000);
        assert.equal(failed?.toRef, null);
        await finishScan(store.db, elsewhere, {
          status: 'ok',
          at: '2024-02-02T03:02:00.000Z',
          toRef: 'ccc',
          counts,
          message: 'git diff failed; every file was read',
        });
        const noted = (await recentScans(store.db)).find((r) => r.id === elsewhere);
        assert.equal(noted?.status, 'ok');
        assert.equal(noted?.toRef, 'ccc');
        assert.equal(noted?.message, 'git diff failed; every file was read', 'an ok run keeps its message');
      } finally {
        await store.close();
      }
    });

    it(
      'lists the latest runs first, up to the limit, and reads broken counts as null',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          const sourceId = await insertSource(store.db, 'docs');
          const ids: number[] = [];
          for (let i = 1; i <= 3; i++)
            ids.push(
              await beginScan(store.db, { sourceId, fromRef: null, at: `2024-02-0${i}T03:00:00.000Z` }),
            );
          await store.db.updateTable('scans').set({ counts: 'not json' }).where('id', '=', ids[2]).execute();
          const runs = await recentScans(store.db, 2);
          assert.deepEqual(
            runs.map((r) => r.id),
            [ids[2], ids[1]],
          );
          assert.equal(runs[0].counts, null);
          assert.equal(runs[0].errors, 0);
        } finally {
          await store.close();
        }
      },
    );

    it('counts changes per day and kind since a time', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const sourceId = await insertSource(store.db, 'docs');
        const scanId = await beginScan(store.db, { sourceId, fromRef: null, at: '2024-01-01T00:00:00.000Z' });
        const articleId = await insertArticle(store.db, { sourceId, title: 'An article' });
        const change = (kind: 'new' | 'updated', detectedAt: string) =>
          insertChange(store.db, { scanId, sourceId, articleId, kind, title: 'An article', detectedAt });
        await change('new', '2024-01-31T23:59:59.000Z');
        await change('new', '2024-02-01T01:00:00.000Z');
        await change('new', '2024-02-01T22:00:00.000Z');
        await change('updated', '2024-02-01T05:00:00.000Z');
        await change('updated', '2024-02-03T05:00:00.000Z');
        const rows = await changeCountsByDay(store.db, '2024-02-01T00:00:00.000Z');
        const sorted = rows.sort((a, b) => `${a.day}${a.kind}`.localeCompare(`${b.day}${b.kind}`));
        assert.deepEqual(sorted, [
          { day: '2024-02-01', kind: 'new', n: 2 },
          { day: '2024-02-01', kind: 'updated', n: 1 },
          { day: '2024-02-03', kind: 'updated', n: 1 },
        ]);
        await refreshPlannerStatistics(store.db);
      } finally {
        await store.close();
      }
    });
  });
}
