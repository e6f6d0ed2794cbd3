import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { connect } from './db.ts';
import type { Database } from './schema.ts';
import { writeTransaction } from './write-tx.ts';

const RESET = '2030-01-01T00:00:00.000Z';

async function counter(db: Kysely<Database>, bucket: string): Promise<number | undefined> {
  const row = await db
    .selectFrom('rate_limits')
    .select('count')
    .where('bucket', '=', bucket)
    .executeTakeFirst();
  return row?.count;
}

for (const dialect of DIALECTS) {
  describe(`store: write transactions (${dialect})`, { skip: await skipReason(dialect) }, () => {
    it('commits the writes and returns what the function returns', async () => {
      const store = await createStore(dialect);
      try {
        const result = await writeTransaction(store.db, async (tx) => {
          await tx.insertInto('rate_limits').values({ bucket: 'a', count: 1, reset_at: RESET }).execute();
          return { seen: await counter(tx, 'a') };
        });
        assert.deepEqual(result, { seen: 1 }, 'its own writes are visible inside');
        assert.equal(await counter(store.db, 'a'), 1);
      } finally {
        await store.close();
      }
    });

    it('rolls back and rethrows when the function throws, and the handle goes on working', async () => {
      const store = await createStore(dialect);
      try {
        const boom = new Error('boom');
        await assert.rejects(
          writeTransaction(store.db, async (tx) => {
            await tx.insertInto('rate_limits').values({ bucket: 'a', count: 1, reset_at: RESET }).execute();
            throw boom;
          }),
          (err) => err === boom,
        );
        assert.equal(await counter(store.db, 'a'), undefined, 'nothing was written');
        await writeTransaction(store.db, (tx) =>
          tx.insertInto('rate_limits').values({ bucket: 'b', count: 2, reset_at: RESET }).execute(),
        );
        assert.equal(await counter(store.db, 'b'), 2);
      } finally {
        await store.close();
      }
    });

    it('loses no update when transactions read and then write the same row at once', async () => {
      const store = await createStore(dialect);
      try {
        await store.db.insertInto('rate_limits').values({ bucket: 'n', count: 0, reset_at: RESET }).execute();
        const increment = () =>
          writeTransaction(store.db, async (tx) => {
            let q = tx.selectFrom('rate_limits').select('count').where('bucket', '=', 'n');
            if (dialect === 'postgres') q = q.forUpdate();
            const { count } = await q.executeTakeFirstOrThrow();
            await sleep(10);
            await tx
              .updateTable('rate_limits')
              .set({ count: count + 1 })
              .where('bucket', '=', 'n')
              .execute();
          });
        await Promise.all(Array.from({ length: 5 }, increment));
        assert.equal(await counter(store.db, 'n'), 5);
      } finally {
        await store.close();
      }
    });
  });
}

describe('store: write transactions on one SQLite file', { skip: await skipReason('sqlite') }, () => {
  it('hold the write lock from the start, so another connection cannot begin one', async () => {
    const store = await createStore('sqlite');
    const other = await connect(store.url);
    try {
      await sql`PRAGMA busy_timeout = 50`.execute(other.db);
      let begun = () => {};
      const holding = new Promise<void>((resolve) => (begun = resolve));
      let release = () => {};
      const released = new Promise<void>((resolve) => (release = resolve));
      const first = writeTransaction(store.db, async (tx) => {
        const before = await counter(tx, 'a');
        begun();
        await released;
        await tx
          .insertInto('rate_limits')
          .values({ bucket: 'a', count: (before ?? 0) + 1, reset_at: RESET })
          .execute();
      });
      await holding;
      let ran = false;
      await assert.rejects(
        writeTransaction(other.db, async () => {
          ran = true;
        }),
        /database is locked/,
      );
      assert.equal(ran, false, 'refused at BEGIN, before reading anything');
      release();
      await first;
      await writeTransaction(other.db, (tx) =>
        tx.updateTable('rate_limits').set({ count: 2 }).where('bucket', '=', 'a').execute(),
      );
      assert.equal(await counter(store.db, 'a'), 2);
    } finally {
      await other.close();
      await store.close();
    }
  });
});
