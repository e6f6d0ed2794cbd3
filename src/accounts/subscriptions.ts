/**
 * Subscription commands: subscribe to a technology (slug, name or alias) or a saved query
 * (checked by the query parser), pause, resume, mute, unmute and delete. A user only ever
 * touches their own subscriptions.
 */
import type { Context } from '../context.ts';
import { parse, QueryError } from '../query/index.ts';
import type { Subscription } from '../store/schema.ts';
import {
  countUserSubscriptions,
  deleteSubscription,
  findSameSubscription,
  findTechnologyByTerm,
  insertSubscription,
  listUserSubscriptions,
  updateSubscriptionFlags,
  type SubscriptionView,
} from '../store/subscriptions.ts';
import { AccountError } from './errors.ts';
import { LIMITS } from './validate.ts';

export type SubscribeInput = { userId: number; technology: string } | { userId: number; query: string };

export interface SubscribeResult {
  subscription: Subscription;
  /** False when the user already had this subscription (it is returned unchanged). */
  created: boolean;
  /** The technology's display name or the query text. */
  label: string;
}

/** Checks a saved query with the search parser; the parser's message is the error. */
export function validateQuery(input: string): string {
  const query = input.trim();
  if (query === '') throw new AccountError('invalid', 'Query: please enter a search query.', 'query');
  if (query.length > LIMITS.queryMax)
    throw new AccountError(
      'invalid',
      `Query: must be at most ${LIMITS.queryMax} characters (this one has ${query.length}).`,
      'query',
    );
  try {
    parse(query);
  } catch (err) {
    if (err instanceof QueryError) throw new AccountError('invalid', `Invalid ${err.message}.`, 'query');
    throw err;
  }
  return query;
}

export async function subscribe(ctx: Context, input: SubscribeInput): Promise<SubscribeResult> {
  const db = ctx.store.db;
  let target: { technologyId: number } | { query: string };
  let label: string;
  if ('technology' in input) {
    const term = input.technology.trim();
    if (term === '')
      throw new AccountError('invalid', 'Technology: please enter a technology name.', 'technology');
    if (term.length > LIMITS.technologyMax)
      throw new AccountError(
        'invalid',
        `Technology: must be at most ${LIMITS.technologyMax} characters.`,
        'technology',
      );
    const tech = await findTechnologyByTerm(db, term);
    if (!tech)
      throw new AccountError(
        'not_found',
        `Technology: no technology is called "${term}". Browse the technologies page for the exact name.`,
        'technology',
      );
    target = { technologyId: tech.id };
    label = tech.name;
  } else {
    const query = validateQuery(input.query);
    target = { query };
    label = query;
  }
  const existing = await findSameSubscription(db, input.userId, target);
  if (existing) return { subscription: existing, created: false, label };
  if ((await countUserSubscriptions(db, input.userId)) >= LIMITS.subscriptionsPerUser) {
    throw new AccountError(
      'invalid',
      `You already have ${LIMITS.subscriptionsPerUser} subscriptions, the most an account may have; delete some first.`,
    );
  }
  const subscription = await insertSubscription(db, {
    userId: input.userId,
    kind: 'technologyId' in target ? 'technology' : 'query',
    technologyId: 'technologyId' in target ? target.technologyId : null,
    query: 'query' in target ? target.query : null,
    createdAt: ctx.now().toISOString(),
  });
  return { subscription, created: true, label };
}

export type SubscriptionAction = 'pause' | 'resume' | 'mute' | 'unmute' | 'delete';
export const SUBSCRIPTION_ACTIONS: readonly SubscriptionAction[] = [
  'pause',
  'resume',
  'mute',
  'unmute',
  'delete',
];

const FLAGS: Record<Exclude<SubscriptionAction, 'delete'>, { paused?: number; muted?: number }> = {
  pause: { paused: 1 },
  resume: { paused: 0 },
  mute: { muted: 1 },
  unmute: { muted: 0 },
};

/** Applies an action to one of the user's subscriptions; another user's id is "not found". */
export async function changeSubscription(
  ctx: Context,
  input: { userId: number; subscriptionId: number; action: SubscriptionAction },
): Promise<void> {
  const { userId, subscriptionId, action } = input;
  const done =
    action === 'delete'
      ? await deleteSubscription(ctx.store.db, userId, subscriptionId)
      : await updateSubscriptionFlags(ctx.store.db, userId, subscriptionId, FLAGS[action]);
  if (!done)
    throw new AccountError(
      'not_found',
      'No such subscription in your account (it may have been deleted already).',
    );
}

export function listSubscriptions(ctx: Context, userId: number): Promise<SubscriptionView[]> {
  return listUserSubscriptions(ctx.store.db, userId);
}
