import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { openStore, type Store } from './db.ts';
import { isScanLocked, LockBusyError, withScanLock } from './locks.ts';

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

describe('store: the scan lock on SQLite files', () => {
  it('takes over the lock file of a process that died holding it', async () => {
    const store = await createStore('sqlite');
    try {
      const file = store.url.slice('sqlite:'.length);
      const lock = join(dirname(file), 'locks', `${basename(file)}.scan-source-5.lock`);
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      mkdirSync(dirname(lock), { recursive: true });
      writeFileSync(lock, String(dead));
      assert.equal(await isScanLocked(store, 5), false, 'a dead owner holds nothing');
      assert.equal(await withScanLock(store, 5, async () => existsSync(lock)), true);
      assert.equal(existsSync(lock), false, 'the lock file goes when the scan ends');
    } finally {
      await store.close();
    }
  });

  it('an in-memory database is locked in memory', async () => {
    const store = openStore('sqlite::memory:');
    try {
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
