/**
 * The scan lock: one scan of a source at a time, across every process on the database (the
 * command line, the scheduler and the admin page's "Scan now" all take it). It is a lease
 * (store/leases.ts) named `scan:<source id>`: a crashed process's lock expires a minute after its
 * last heartbeat, whatever PID the next process gets, and the same rules hold on both databases.
 */
import type { Store } from './db.ts';
import { leaseHolder, LeaseBusyError, withLease, type HeldLease, type LeaseHolder } from './leases.ts';

/** Another scan of the source holds the lock; `holder` says who and since when. */
export class LockBusyError extends LeaseBusyError {}

/** How long a scan lock outlives its holder's last heartbeat. */
export const SCAN_LOCK_TTL_MS = 60_000;

const lockName = (sourceId: number) => `scan:${sourceId}`;

function busyMessage(sourceId: number, holder: LeaseHolder | undefined): string {
  return holder
    ? `a scan of source ${sourceId} is already running (held by ${holder.owner} since ${holder.acquiredAt})`
    : `a scan of source ${sourceId} is already running`;
}

/** Runs `fn` holding the scan lock of a source, or throws LockBusyError if a scan holds it. */
export async function withScanLock<T>(
  store: Store,
  sourceId: number,
  fn: (held: HeldLease) => Promise<T>,
  opts: { ttlMs?: number } = {},
): Promise<T> {
  try {
    return await withLease(
      store,
      lockName(sourceId),
      { ttlMs: opts.ttlMs ?? SCAN_LOCK_TTL_MS, busyMessage: (h) => busyMessage(sourceId, h) },
      fn,
    );
  } catch (err) {
    if (err instanceof LeaseBusyError && !(err instanceof LockBusyError))
      throw new LockBusyError(err.message, err.holder);
    throw err;
  }
}

/** Whether a scan of the source holds its lock now, in this process or another. Takes nothing. */
export async function isScanLocked(store: Store, sourceId: number): Promise<boolean> {
  return (await scanLockHolder(store, sourceId)) !== undefined;
}

/** Who holds the scan lock of a source, if anyone. */
export function scanLockHolder(store: Store, sourceId: number): Promise<LeaseHolder | undefined> {
  return leaseHolder(store.db, lockName(sourceId));
}
