/**
 * What the links in a digest do. Unsubscribe pauses every subscription of the user and withdraws
 * digests not yet sent, so no further digest goes out; the user can resume from the account
 * page. Mute silences one subscription. Both are idempotent: a link used twice changes nothing.
 */
import type { Context } from '../context.ts';
import { suppressQueued } from '../store/digests.ts';
import {
  findUserSubscription,
  pauseAllSubscriptions,
  updateSubscriptionFlags,
} from '../store/subscriptions.ts';
import { writeTransaction } from '../store/write-tx.ts';
import { readToken, TokenError } from './tokens.ts';

export interface UnsubscribeResult {
  /** Subscriptions that were active and are now paused. */
  paused: number;
  /** Queued digests withdrawn. */
  withdrawn: number;
}

/** Checks a link token without acting on it (for the confirmation page). */
export function checkLinkToken(ctx: Context, token: string, purpose: 'unsubscribe' | 'mute'): void {
  readToken(ctx.config.secret, token, purpose);
}

export async function unsubscribeAll(ctx: Context, token: string): Promise<UnsubscribeResult> {
  const { userId } = readToken(ctx.config.secret, token, 'unsubscribe');
  return writeTransaction(ctx.store.db, async (tx) => {
    const paused = await pauseAllSubscriptions(tx, userId);
    const withdrawn = await suppressQueued(tx, userId, 'unsubscribed');
    if (paused > 0) ctx.log.info(`digest: user ${userId} unsubscribed by link`);
    return { paused, withdrawn };
  });
}

/** Mutes the subscription named in the token; returns what it was about. */
export async function muteByLink(ctx: Context, token: string): Promise<{ label: string }> {
  const { userId, subscriptionId } = readToken(ctx.config.secret, token, 'mute');
  const sub =
    subscriptionId === null ? undefined : await findUserSubscription(ctx.store.db, userId, subscriptionId);
  if (!sub)
    throw new TokenError('This subscription no longer exists: it was deleted, so there is nothing to mute.');
  await updateSubscriptionFlags(ctx.store.db, userId, sub.id, { muted: 1 });
  return { label: sub.kind === 'query' ? `"${sub.query ?? ''}"` : (sub.technology_name ?? 'a technology') };
}
