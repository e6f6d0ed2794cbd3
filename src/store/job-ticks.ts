/**
 * Cron ticks, claimed once across every process: each (job, scheduled time) is one row, and the
 * process whose insert creates it runs that tick. The newest row per job also tells a starting
 * process whether a tick was missed while every process was down.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Claims the tick; false when another process already has. */
export async function claimTick(
  db: Db,
  job: string,
  tick: string,
  owner: string,
  at: string,
): Promise<boolean> {
  const row = await db
    .insertInto('job_ticks')
    .values({ job, tick, owner, claimed_at: at })
    .onConflict((oc) => oc.columns(['job', 'tick']).doNothing())
    .returning('job')
    .executeTakeFirst();
  return row !== undefined;
}

/** The newest tick of a job ever claimed, if any. */
export async function lastTick(db: Db, job: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('job_ticks')
    .select((eb) => eb.fn.max('tick').as('tick'))
    .where('job', '=', job)
    .executeTakeFirst();
  return row?.tick ?? undefined;
}

/** Forgets a job's ticks older than `before` (the newest is always kept). */
export async function pruneTicks(db: Db, job: string, before: string): Promise<void> {
  const newest = await lastTick(db, job);
  if (!newest) return;
  await db
    .deleteFrom('job_ticks')
    .where('job', '=', job)
    .where('tick', '<', before)
    .where('tick', '<>', newest)
    .execute();
}

/** Gives a claimed tick back (its run was cut short): the next process's catch-up runs it again. */
export async function releaseTick(db: Db, job: string, tick: string, owner: string): Promise<void> {
  await db
    .deleteFrom('job_ticks')
    .where('job', '=', job)
    .where('tick', '=', tick)
    .where('owner', '=', owner)
    .execute();
}
