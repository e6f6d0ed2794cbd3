import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import type { Store } from './db.ts';
import { hitBucket, sweepBuckets } from './rate-limits.ts';

const T0 = new Date('2024-02-01T12:00:00.000Z');
const later = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

for (const dialect of DIALECTS) {
  describe(`store: rate-limit buckets (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let store: Store;
    before(async () => {
      store = await createStore(dialect);
    });
    after(() => store?.close());

    it('counts hits in one window and keeps its end', async () => {
      assert.deepEqual(await hitBucket(store.db, 'login:ip:a', 60, T0), {
        count: 1,
        resetAt: '2024-02-01T12:01:00.000Z',
      });
      assert.deepEqual(await hitBucket(store.db, 'login:ip:a', 60, later(30)), {
        count: 2,
        resetAt: '2024-02-01T12:01:00.000Z',
      });
      assert.equal((await hitBucket(store.db, 'login:ip:b', 60, later(30))).count, 1, 'buckets are apart');
    });

    it('starts a new window at 1 once the old one has ended', async () => {
      const hit = await hitBucket(store.db, 'login:ip:a', 60, later(60));
      assert.deepEqual(hit, { count: 1, resetAt: '2024-02-01T12:02:00.000Z' });
      const row = await store.db
        .selectFrom('rate_limits')
        .selectAll()
        .where('bucket', '=', 'login:ip:a')
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        { ...row, count: Number(row.count) },
        {
          bucket: 'login:ip:a',
          count: 1,
          reset_at: '2024-02-01T12:02:00.000Z',
        },
      );
    });

    it('sweeps only the buckets whose window has ended', async () => {
      assert.equal(await sweepBuckets(store.db, later(100)), 1, 'login:ip:b ended at 12:01:30');
      const left = await store.db.selectFrom('rate_limits').select('bucket').execute();
      assert.deepEqual(
        left.map((r) => r.bucket),
        ['login:ip:a'],
      );
      assert.equal(await sweepBuckets(store.db, later(100)), 0);
    });
  });
}
