/**
 * The scan lock: one scan of a source at a time, across every process on the database (the
 * command line, the scheduler and the admin page's "Scan now" all take it).
 *
 * - PostgreSQL: a session advisory lock on a connection held for the scan's duration; a crashed
 *   process's connection closes and its lock goes with it.
 * - SQLite (one machine): a lock file beside the database (`locks/<file>.scan-source-<id>.lock`)
 *   holding the owner's pid; a dead owner's lock is taken over.
 * - An in-memory SQLite database lives in one process: the lock is held in memory.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import type { Store } from './db.ts';
import type { Database } from './schema.ts';

/** Another scan of the source holds the lock. */
export class LockBusyError extends Error {}

/** The first key of the scan locks' advisory lock pairs (the second is the source id). */
const SCAN_LOCK_SPACE = 0x6b627363;

const inMemory = new WeakMap<Kysely<Database>, Set<number>>();

function busy(sourceId: number): LockBusyError {
  return new LockBusyError(`a scan of source ${sourceId} is already running`);
}

/** The lock file of a source's scan; null for an in-memory database. */
function lockFile(store: Store, sourceId: number): string | null {
  const file = store.url.slice('sqlite:'.length);
  if (file === ':memory:') return null;
  const path = resolve(file);
  return join(dirname(path), 'locks', `${basename(path)}.scan-source-${sourceId}.lock`);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The pid in a lock file when that process is alive, else null (no file, or a dead owner). */
function liveOwner(file: string): number | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const owner = Number.parseInt(text, 10);
  return Number.isInteger(owner) && alive(owner) ? owner : null;
}

function takeLockFile(file: string): boolean {
  mkdirSync(dirname(file), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (liveOwner(file) !== null) return false;
      unlinkSync(file); // the owner is gone: take over
    }
  }
  return false;
}

async function withPostgresLock<T>(store: Store, sourceId: number, fn: () => Promise<T>): Promise<T> {
  return store.db.connection().execute(async (conn) => {
    const { rows } = await sql<{
      ok: boolean;
    }>`SELECT pg_try_advisory_lock(${SCAN_LOCK_SPACE}, ${sourceId}) AS ok`.execute(conn);
    if (!rows[0]?.ok) throw busy(sourceId);
    try {
      return await fn();
    } finally {
      await sql`SELECT pg_advisory_unlock(${SCAN_LOCK_SPACE}, ${sourceId})`.execute(conn);
    }
  });
}

async function withFileLock<T>(file: string, sourceId: number, fn: () => Promise<T>): Promise<T> {
  if (!takeLockFile(file)) throw busy(sourceId);
  try {
    return await fn();
  } finally {
    try {
      unlinkSync(file);
    } catch {
      /* already gone */
    }
  }
}

async function withMemoryLock<T>(store: Store, sourceId: number, fn: () => Promise<T>): Promise<T> {
  const held = inMemory.get(store.db) ?? new Set<number>();
  inMemory.set(store.db, held);
  if (held.has(sourceId)) throw busy(sourceId);
  held.add(sourceId);
  try {
    return await fn();
  } finally {
    held.delete(sourceId);
  }
}

/** Runs `fn` holding the scan lock of a source, or throws LockBusyError if a scan holds it. */
export async function withScanLock<T>(store: Store, sourceId: number, fn: () => Promise<T>): Promise<T> {
  if (store.dialect === 'postgres') return withPostgresLock(store, sourceId, fn);
  const file = lockFile(store, sourceId);
  return file === null ? withMemoryLock(store, sourceId, fn) : withFileLock(file, sourceId, fn);
}

/** Whether a scan of the source holds its lock now, in this process or another. Takes nothing. */
export async function isScanLocked(store: Store, sourceId: number): Promise<boolean> {
  if (store.dialect === 'postgres') {
    const { rows } = await sql<{ held: boolean }>`SELECT EXISTS (
        SELECT 1 FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 2
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND classid::bigint = ${SCAN_LOCK_SPACE} AND objid::bigint = ${sourceId}
      ) AS held`.execute(store.db);
    return Boolean(rows[0]?.held);
  }
  const file = lockFile(store, sourceId);
  return file === null ? (inMemory.get(store.db)?.has(sourceId) ?? false) : liveOwner(file) !== null;
}
