/**
 * Fixed-window rate limits kept in the database (table rate_limits), so every web process
 * shares them. One upsert per hit: a bucket counts hits until its window ends, then restarts.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { FastifyReply } from 'fastify';
import type { Context } from '../context.ts';
import { HttpError } from './errors.ts';

export interface Limit {
  /** e.g. `login:ip:203.0.113.9`; use `bucketKey` for personal values such as addresses. */
  bucket: string;
  /** Hits allowed per window. */
  max: number;
  windowSeconds: number;
}

export interface HitResult {
  allowed: boolean;
  count: number;
  /** Seconds until the window ends. */
  retryAfter: number;
}

/** A bucket name for a personal value (an address is hashed, never stored in clear). */
export function bucketKey(prefix: string, value: string): string {
  return `${prefix}:${createHash('sha256').update(value.trim().toLowerCase()).digest('base64url').slice(0, 22)}`;
}

/** Counts one hit against a bucket and says whether it is within the limit. */
export async function hit(ctx: Context, limit: Limit): Promise<HitResult> {
  const now = ctx.now();
  const nowIso = now.toISOString();
  const resetIso = new Date(now.getTime() + limit.windowSeconds * 1000).toISOString();
  const row = await ctx.store.db
    .insertInto('rate_limits')
    .values({ bucket: limit.bucket, count: 1, reset_at: resetIso })
    .onConflict((oc) =>
      oc.column('bucket').doUpdateSet({
        count: sql<number>`CASE WHEN rate_limits.reset_at <= ${nowIso} THEN 1 ELSE rate_limits.count + 1 END`,
        reset_at: sql<string>`CASE WHEN rate_limits.reset_at <= ${nowIso} THEN ${resetIso} ELSE rate_limits.reset_at END`,
      }),
    )
    .returning(['count', 'reset_at'])
    .executeTakeFirstOrThrow();
  const count = Number(row.count);
  const retryAfter = Math.max(1, Math.ceil((Date.parse(row.reset_at) - now.getTime()) / 1000));
  if (Math.random() < 0.01) await sweep(ctx, nowIso);
  return { allowed: count <= limit.max, count, retryAfter };
}

async function sweep(ctx: Context, nowIso: string): Promise<void> {
  await ctx.store.db.deleteFrom('rate_limits').where('reset_at', '<', nowIso).execute();
}

function wait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
}

/**
 * Counts a hit on every bucket; if any is over its limit, sets Retry-After and throws a 429
 * with a message saying what to do. `what` names the action ("login attempts").
 */
export async function enforce(
  ctx: Context,
  reply: FastifyReply,
  what: string,
  limits: Limit[],
): Promise<void> {
  let worst = 0;
  for (const limit of limits) {
    const r = await hit(ctx, limit);
    if (!r.allowed) worst = Math.max(worst, r.retryAfter);
  }
  if (worst > 0) {
    reply.header('Retry-After', String(worst));
    throw new HttpError(
      429,
      'rate_limited',
      `Too many ${what} in a short time. Please wait ${wait(worst)} and try again.`,
    );
  }
}

/** The limits the account pages use. */
export const ACCOUNT_LIMITS = {
  loginPerIp: { max: 30, windowSeconds: 15 * 60 },
  loginPerEmail: { max: 5, windowSeconds: 15 * 60 },
  signupPerIp: { max: 10, windowSeconds: 3600 },
  signupPerEmail: { max: 3, windowSeconds: 3600 },
  resetPerIp: { max: 10, windowSeconds: 3600 },
  resetPerEmail: { max: 3, windowSeconds: 3600 },
  accountPerUser: { max: 120, windowSeconds: 3600 },
} as const;
