import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../test/stores.ts';
import { openTestContext, type OpenTestContext } from '../../test/context.ts';
import type { Context } from '../context.ts';
import { openStore } from '../store/db.ts';
import { bucketKey, hit } from './ratelimit.ts';

for (const dialect of DIALECTS) {
  describe(`web: database rate limits (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let t: OpenTestContext;
    before(async () => {
      t = await openTestContext(dialect);
    });
    after(() => t?.close());

    it('counts hits in a fixed window, then starts a new one', async () => {
      const limit = { bucket: 'test:a', max: 3, windowSeconds: 60 };
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await hit(t.ctx, limit));
      assert.deepEqual(
        results.map((r) => [r.count, r.allowed]),
        [
          [1, true],
          [2, true],
          [3, true],
          [4, false],
          [5, false],
        ],
      );
      assert.equal(results[4].retryAfter, 60);
      t.clock.advance(30_000);
      assert.equal((await hit(t.ctx, limit)).retryAfter, 30);
      t.clock.advance(30_000);
      const fresh = await hit(t.ctx, limit);
      assert.deepEqual([fresh.count, fresh.allowed, fresh.retryAfter], [1, true, 60]);
      assert.equal((await hit(t.ctx, { ...limit, bucket: 'test:b' })).count, 1, 'buckets are independent');
    });

    it('is shared by concurrent hits over separate connections to one database', async () => {
      const limit = { bucket: 'test:shared', max: 10, windowSeconds: 600 };
      // A second connection pool stands for another web process.
      const store = openStore(t.ctx.store.url);
      try {
        const other: Context = { ...t.ctx, store };
        const results = await Promise.all(
          Array.from({ length: 20 }, (_, i) => hit(i % 2 ? other : t.ctx, limit)),
        );
        assert.deepEqual(
          results.map((r) => r.count).sort((a, b) => a - b),
          Array.from({ length: 20 }, (_, i) => i + 1),
        );
        assert.equal(results.filter((r) => r.allowed).length, 10);
      } finally {
        await store.close();
      }
    });

    it('never stores an address in clear in a bucket name', () => {
      const key = bucketKey('login:email', ' Someone@Example.com ');
      assert.equal(key, bucketKey('login:email', 'someone@example.com'));
      assert.doesNotMatch(key, /someone|example/i);
    });
  });
}
