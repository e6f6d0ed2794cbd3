/**
 * One process at a time per job. On PostgreSQL a session advisory lock on a connection held for
 * the job's duration: a crashed process's connection closes and its lock goes with it. On SQLite
 * (one machine) a lock file holding the owner's pid: a dead owner's lock is taken over.
 */
import { mkdirSync, openSync, closeSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Context } from '../context.ts';

export class JobBusyError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function takeLockFile(file: string): boolean {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const owner = Number.parseInt(readFileSync(file, 'utf8'), 10);
      if (Number.isInteger(owner) && alive(owner)) return false;
      unlinkSync(file); // the owner is gone: take over
    }
  }
  return false;
}

/** Runs `fn` holding the lock named `name`, or throws JobBusyError if another process holds it. */
export async function withJobLock<T>(ctx: Context, name: string, fn: () => Promise<T>): Promise<T> {
  if (ctx.store.dialect === 'postgres') {
    return ctx.store.db.connection().execute(async (conn) => {
      const key = sql`hashtext(${`kbwatch:${name}`})`;
      const { rows } = await sql<{ ok: boolean }>`SELECT pg_try_advisory_lock(${key}) AS ok`.execute(conn);
      if (!rows[0]?.ok) throw new JobBusyError(`jobs: ${name} is running in another process`);
      try {
        return await fn();
      } finally {
        await sql`SELECT pg_advisory_unlock(${key})`.execute(conn);
      }
    });
  }
  const dir = join(ctx.config.dataDir, 'locks');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${name.replace(/[^A-Za-z0-9_-]/g, '_')}.lock`);
  if (!takeLockFile(file)) throw new JobBusyError(`jobs: ${name} is running in another process`);
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
