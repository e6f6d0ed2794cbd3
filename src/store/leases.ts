/**
 * Leases: named locks that cannot lie. A lease is a row (name, owner, token, expiry) taken in
 * one statement when free or expired, renewed by its owner's heartbeat, and released by token.
 * A process that dies stops renewing, and its leases are free once they expire: no PID is
 * trusted (a restarted container reuses them), no connection has to stay open. Writes made
 * under a lease check it in their own transaction (`assertHeld`), so a holder that lost its
 * lease cannot write after the next holder took over. The same on SQLite and PostgreSQL.
 */
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Kysely, Transaction } from 'kysely';
import type { Store } from './db.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** This process, as lease owners are named: host and pid. */
export const PROCESS_OWNER = `${hostname()}:${process.pid}`;

export interface Lease {
  name: string;
  owner: string;
  token: string;
  acquiredAt: string;
  expiresAt: string;
}

export interface LeaseHolder {
  owner: string;
  acquiredAt: string;
  expiresAt: string;
}

/** Someone else holds the lease. */
export class LeaseBusyError extends Error {
  constructor(
    message: string,
    readonly holder: LeaseHolder | undefined,
  ) {
    super(message);
  }
}

/** A lease this process held was taken over (it expired before its heartbeat renewed it). */
export class LeaseLostError extends Error {}

const iso = (ms: number) => new Date(ms).toISOString();

/** Takes the lease if it is free or expired; null when someone holds it. */
export async function tryAcquireLease(
  db: Db,
  name: string,
  opts: { owner?: string; ttlMs: number; now?: number },
): Promise<Lease | null> {
  const now = opts.now ?? Date.now();
  const row = {
    owner: opts.owner ?? PROCESS_OWNER,
    token: randomUUID(),
    acquired_at: iso(now),
    heartbeat_at: iso(now),
    expires_at: iso(now + opts.ttlMs),
  };
  const got = await db
    .insertInto('leases')
    .values({ name, ...row })
    .onConflict((oc) => oc.column('name').doUpdateSet(row).where('leases.expires_at', '<', row.acquired_at))
    .returning('token')
    .executeTakeFirst();
  if (got?.token !== row.token) return null;
  return { name, owner: row.owner, token: row.token, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}

/** Moves the lease's expiry on; false when it is no longer ours (another holder's token is in its row). */
export async function renewLease(db: Db, lease: Lease, ttlMs: number, now = Date.now()): Promise<boolean> {
  const r = await db
    .updateTable('leases')
    .set({ heartbeat_at: iso(now), expires_at: iso(now + ttlMs) })
    .where('name', '=', lease.name)
    .where('token', '=', lease.token)
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) === 0) return false;
  lease.expiresAt = iso(now + ttlMs);
  return true;
}

/** Gives the lease up (nothing happens if it was already taken over). */
export async function releaseLease(db: Db, lease: Lease): Promise<void> {
  await db.deleteFrom('leases').where('name', '=', lease.name).where('token', '=', lease.token).execute();
}

/** Who holds the lease now, if anyone (an expired lease is held by no one). */
export async function leaseHolder(db: Db, name: string, now = Date.now()): Promise<LeaseHolder | undefined> {
  const row = await db
    .selectFrom('leases')
    .select(['owner', 'acquired_at', 'expires_at'])
    .where('name', '=', name)
    .where('expires_at', '>=', iso(now))
    .executeTakeFirst();
  return row && { owner: row.owner, acquiredAt: row.acquired_at, expiresAt: row.expires_at };
}

/**
 * Throws LeaseLostError unless `lease` is still ours, and renews it. Call it inside the
 * transaction of a write made under the lease: the lease row is then locked until that
 * transaction ends (SQLite transactions hold the write lock from their start), so no takeover
 * can commit in between. A lease that expired while its holder was busy but that no one took
 * over is still ours: only another holder's token fences us out.
 */
export async function assertLeaseHeld(trx: Db, lease: Lease, ttlMs: number, now = Date.now()): Promise<void> {
  if (!(await renewLease(trx, lease, ttlMs, now)))
    throw new LeaseLostError(`lease ${lease.name} was lost to another process`);
}

/** A lease held for the length of some work, renewed in the background. */
export interface HeldLease {
  lease: Lease;
  /** Aborted when the lease is lost (a renewal found it taken over). */
  signal: AbortSignal;
  /** See assertLeaseHeld. */
  assertHeld(trx: Db): Promise<void>;
}

/**
 * Runs `fn` holding the lease `name`, renewed every third of `ttlMs`, released afterwards.
 * Throws LeaseBusyError naming the holder when it is taken.
 */
export async function withLease<T>(
  store: Store,
  name: string,
  opts: { ttlMs: number; owner?: string; busyMessage?: (holder: LeaseHolder | undefined) => string },
  fn: (held: HeldLease) => Promise<T>,
): Promise<T> {
  const lease = await tryAcquireLease(store.db, name, opts);
  if (!lease) {
    const holder = await leaseHolder(store.db, name);
    const message =
      opts.busyMessage?.(holder) ?? `lease ${name} is held by ${holder?.owner ?? 'another process'}`;
    throw new LeaseBusyError(message, holder);
  }
  const lost = new AbortController();
  let renewing: Promise<unknown> = Promise.resolve();
  const heartbeat = setInterval(() => {
    renewing = renewLease(store.db, lease, opts.ttlMs)
      .then((ok) => ok || lost.abort(new LeaseLostError(`lease ${name} was lost to another process`)))
      .catch(() => undefined); // a failed renewal is retried at the next beat; expiry decides
  }, opts.ttlMs / 3);
  heartbeat.unref();
  try {
    return await fn({
      lease,
      signal: lost.signal,
      assertHeld: (trx) => assertLeaseHeld(trx, lease, opts.ttlMs),
    });
  } finally {
    clearInterval(heartbeat);
    await renewing;
    await releaseLease(store.db, lease).catch(() => undefined); // expiry frees it otherwise
  }
}
