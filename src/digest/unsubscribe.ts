/**
 * What the links in a digest do. Unsubscribe pauses every subscription of the user and withdraws
 * digests not yet sent, so no further digest goes out; the user can resume from the account
 * page. Mute silences one subscription. Both are idempotent: a link used twice changes nothing.
 */
import type { Context } from '../context.ts';
import { suppressQueued } from '../deliver/outbox.ts';
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
    const r = await tx
      .updateTable('subscriptions')
      .set({ paused: 1 })
      .where('user_id', '=', userId)
      .where('paused', '=', 0)
      .executeTakeFirst();
    const withdrawn = await suppressQueued(tx, userId, 'unsubscribed');
    if (Number(r.numUpdatedRows) > 0) ctx.log.info(`digest: user ${userId} unsubscribed by link`);
    return { paused: Number(r.numUpdatedRows), withdrawn };
  });
}

/** Mutes the subscription named in the token; returns what it was about. */
export async function muteByLink(ctx: Context, token: string): Promise<{ label: string }> {
  const { userId, subscriptionId } = readToken(ctx.config.secret, token, 'mute');
  const sub = await ctx.store.db
    .selectFrom('subscriptions as s')
    .leftJoin('technologies as t', 't.id', 's.technology_id')
    .select(['s.id', 's.kind', 's.query', 't.name'])
    .where('s.id', '=', subscriptionId!)
    .where('s.user_id', '=', userId)
    .executeTakeFirst();
  if (!sub)
    throw new TokenError('This subscription no longer exists: it was deleted, so there is nothing to mute.');
  await ctx.store.db.updateTable('subscriptions').set({ muted: 1 }).where('id', '=', sub.id).execute();
  return { label: sub.kind === 'query' ? `"${sub.query ?? ''}"` : (sub.name ?? 'a technology') };
}
