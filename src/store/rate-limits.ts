/**
 * Fixed-window rate-limit buckets (table rate_limits), shared by every web process. One upsert
 * per hit: a bucket counts hits until its window ends, then starts again at 1.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface BucketHit {
  /** Hits in the current window, this one included. */
  count: number;
  /** When the current window ends (ISO UTC). */
  resetAt: string;
}

/** Counts one hit against a bucket whose window lasts `windowSeconds`. */
export async function hitBucket(
  db: Db,
  bucket: string,
  windowSeconds: number,
  now: Date,
): Promise<BucketHit> {
  const nowIso = now.toISOString();
  const resetIso = new Date(now.getTime() + windowSeconds * 1000).toISOString();
  const row = await db
    .insertInto('rate_limits')
    .values({ bucket, count: 1, reset_at: resetIso })
    .onConflict((oc) =>
      oc.column('bucket').doUpdateSet({
        count: sql<number>`CASE WHEN rate_limits.reset_at <= ${nowIso} THEN 1 ELSE rate_limits.count + 1 END`,
        reset_at: sql<string>`CASE WHEN rate_limits.reset_at <= ${nowIso} THEN ${resetIso} ELSE rate_limits.reset_at END`,
      }),
    )
    .returning(['count', 'reset_at'])
    .executeTakeFirstOrThrow();
  return { count: Number(row.count), resetAt: row.reset_at };
}

/** Deletes the buckets whose window ended before `now`; returns how many. */
export async function sweepBuckets(db: Db, now: Date): Promise<number> {
  const result = await db
    .deleteFrom('rate_limits')
    .where('reset_at', '<', now.toISOString())
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
