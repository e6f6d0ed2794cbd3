/**
 * Rate limits of web actions, counted in fixed windows in the database (store/rate-limits.ts),
 * so every web process shares them. Over a limit, the request fails with a RateLimitedError
 * (429 with Retry-After, see errors.ts).
 */
import { createHash } from 'node:crypto';
import type { Context } from '../context.ts';
import { hitBucket, sweepBuckets } from '../store/rate-limits.ts';
import { RateLimitedError } from './errors.ts';

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
  const { count, resetAt } = await hitBucket(ctx.store.db, limit.bucket, limit.windowSeconds, now);
  const retryAfter = Math.max(1, Math.ceil((Date.parse(resetAt) - now.getTime()) / 1000));
  // Now and then, ended windows are swept away.
  if (Math.random() < 0.01) await sweepBuckets(ctx.store.db, now);
  return { allowed: count <= limit.max, count, retryAfter };
}

function wait(seconds: number): string {
  if (seconds < 90) return `${seconds} seconds`;
  const minutes = Math.ceil(seconds / 60);
  return minutes < 90 ? `${minutes} minutes` : `${Math.ceil(minutes / 60)} hours`;
}

/**
 * Counts a hit on every bucket; if any is over its limit, throws a RateLimitedError with a
 * message saying what to do. `what` names the action ("login attempts").
 */
export async function enforce(ctx: Context, what: string, limits: Limit[]): Promise<void> {
  let worst = 0;
  for (const limit of limits) {
    const r = await hit(ctx, limit);
    if (!r.allowed) worst = Math.max(worst, r.retryAfter);
  }
  if (worst > 0)
    throw new RateLimitedError(
      `Too many ${what} in a short time. Please wait ${wait(worst)} and try again.`,
      worst,
    );
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
