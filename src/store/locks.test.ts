import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { migrate, openStore, type Store } from './db.ts';
import { LeaseLostError, PROCESS_OWNER } from './leases.ts';
import { isScanLocked, LockBusyError, scanLockHolder, withScanLock } from './locks.ts';

/** Holds the scan lock of a source until `release` is called. */
function hold(store: Store, sourceId: number) {
  let release = () => {};
  const released = new Promise<void>((resolve) => (release = resolve));
  let locked = () => {};
  const held = new Promise<void>((resolve) => (locked = resolve));
  const done = withScanLock(store, sourceId, async () => {
    locked();
    await released;
    return 'done';
  });
  return { held, release, done };
}

for (const dialect of DIALECTS) {
  describe(`store: the scan lock (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it('one scan of a source at a time; other sources are free', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        assert.equal(await isScanLocked(store, 1), false);
        const first = hold(store, 1);
        await first.held;
        assert.equal(await isScanLocked(store, 1), true);
        assert.equal(await isScanLocked(store, 2), false);
        await assert.rejects(
          withScanLock(store, 1, async () => 'second'),
          (err) => err instanceof LockBusyError && /source 1 is already running/.test(err.message),
        );
        assert.equal(await withScanLock(store, 2, async () => 'other source'), 'other source');
        first.release();
        assert.equal(await first.done, 'done');
        assert.equal(await isScanLocked(store, 1), false, 'released afterwards');
        assert.equal(await withScanLock(store, 1, async () => 'again'), 'again');
      } finally {
        await store.close();
      }
    });

    it('is released when the scan throws', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        await assert.rejects(
          withScanLock(store, 3, async () => {
            throw new Error('scan failed');
          }),
          /scan failed/,
        );
        assert.equal(await isScanLocked(store, 3), false);
      } finally {
        await store.close();
      }
    });

    it('holds across connections to the same database, as for another process', { skip }, async () => {
      const store = await createStore(dialect);
      const other = openStore(store.url);
      try {
        const first = hold(store, 4);
        await first.held;
        assert.equal(await isScanLocked(other, 4), true);
        await assert.rejects(
          withScanLock(other, 4, async () => 'no'),
          LockBusyError,
        );
        first.release();
        await first.done;
        assert.equal(await withScanLock(other, 4, async () => 'yes'), 'yes');
      } finally {
        await other.close();
        await store.close();
      }
    });
  });
}

for (const dialect of DIALECTS) {
  describe(`store: leases behind the scan lock (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it(
      'a stale lock left by a process whose PID was reused is taken over once expired',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          // The row a crashed process left: the same host and pid as this process (a restarted
          // container reuses PIDs), expired a second ago.
          const past = (ms: number) => new Date(Date.now() - ms).toISOString();
          await store.db
            .insertInto('leases')
            .values({
              name: 'scan:5',
              owner: PROCESS_OWNER,
              token: 'dead',
              acquired_at: past(120_000),
              heartbeat_at: past(61_000),
              expires_at: past(1_000),
            })
            .execute();
          assert.equal(await isScanLocked(store, 5), false, 'an expired lease is held by no one');
          assert.equal(await withScanLock(store, 5, async () => 'proceeds'), 'proceeds');
          const left = await store.db.selectFrom('leases').selectAll().where('name', '=', 'scan:5').execute();
          assert.deepEqual(left, [], 'released afterwards');
        } finally {
          await store.close();
        }
      },
    );

    it('says who holds a busy lock and since when', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const first = hold(store, 6);
        await first.held;
        const holder = await scanLockHolder(store, 6);
        assert.equal(holder?.owner, PROCESS_OWNER);
        await assert.rejects(
          withScanLock(store, 6, async () => 'no'),
          (err) =>
            err instanceof LockBusyError &&
            err.message.includes(`held by ${PROCESS_OWNER} since ${holder?.acquiredAt}`) &&
            err.holder?.owner === PROCESS_OWNER,
        );
        first.release();
        await first.done;
      } finally {
        await store.close();
      }
    });

    it('renews while the work runs, and a lost lease fences every later write', { skip }, async () => {
      const store = await createStore(dialect);
      const other = openStore(store.url);
      try {
        // Held three times longer than its time to live: the heartbeat keeps it.
        await withScanLock(
          store,
          7,
          async (held) => {
            await new Promise((r) => setTimeout(r, 900));
            assert.equal(await isScanLocked(other, 7), true);
            await assert.rejects(
              withScanLock(other, 7, async () => 'no'),
              LockBusyError,
            );
            await store.db.transaction().execute((trx) => held.assertHeld(trx));
            // Another process takes the row over (as if this one had stalled past its expiry).
            await other.db
              .updateTable('leases')
              .set({ token: 'taken' })
              .where('name', '=', 'scan:7')
              .execute();
            await assert.rejects(
              store.db.transaction().execute((trx) => held.assertHeld(trx)),
              LeaseLostError,
            );
            await new Promise((r) => setTimeout(r, 200));
            assert.equal(held.signal.aborted, true, 'the next heartbeat notices the loss');
          },
          { ttlMs: 300 },
        );
        assert.equal(
          await isScanLocked(other, 7),
          true,
          "the new holder's lease is not released by the old one",
        );
      } finally {
        await other.close();
        await store.close();
      }
    });
  });
}

describe('store: the scan lock on an in-memory SQLite database', () => {
  it('works the same', async () => {
    const store = openStore('sqlite::memory:');
    try {
      await migrate(store);
      const first = hold(store, 1);
      await first.held;
      assert.equal(await isScanLocked(store, 1), true);
      await assert.rejects(
        withScanLock(store, 1, async () => 'no'),
        LockBusyError,
      );
      first.release();
      await first.done;
      assert.equal(await isScanLocked(store, 1), false);
    } finally {
      await store.close();
    }
  });
});
