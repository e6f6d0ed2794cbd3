/**
 * Compose and queue: for every user whose digest time has come in their current period and who
 * has no digest for it yet, match the changes since their watermark against their active
 * subscriptions, render the mail and queue it, advancing the watermark in the same transaction.
 * Users with nothing to send only have their watermark advanced: no items, no mail.
 */
import type { Context } from '../context.ts';
import { evaluateQueries, ItemCache, itemsForUser, type QueryHits } from '../match/match.ts';
import type { ActiveSubscription, DigestItem } from '../match/types.ts';
import { loadWindow } from '../match/window.ts';
import { changeHorizon } from '../store/changes/window.ts';
import { existingDigests, queueDigests, type QueueEntry } from '../store/digests.ts';
import { activeSubscriptions } from '../store/subscriptions.ts';
import { digestRecipients, type DigestUser } from '../store/users.ts';
import { dueStates } from './period.ts';
import { renderDigest } from './template.ts';
import { signToken } from './tokens.ts';

export interface QueuedDigest {
  digestId: number;
  userId: number;
  email: string;
  period: string;
  items: number;
  messageId: string;
}

export interface ComposeReport {
  /** Newest change id considered. */
  horizon: number;
  due: number;
  queued: QueuedDigest[];
  /** Due users with nothing to send, whose watermark advanced. */
  empty: number;
  invalidQueries: string[];
}

function digestEntry(
  ctx: Context,
  user: DigestUser,
  period: string,
  items: DigestItem[],
  subs: ActiveSubscription[],
): QueueEntry {
  const secret = ctx.config.secret;
  const matched = new Set(items.flatMap((i) => i.subscriptionIds));
  const mail = renderDigest({
    baseUrl: ctx.config.baseUrl,
    userId: user.id,
    period,
    cadence: user.cadence,
    items,
    subscriptions: subs
      .filter((s) => matched.has(s.id))
      .map((s) => ({
        id: s.id,
        kind: s.kind,
        label: s.label,
        muteToken: signToken(secret, { purpose: 'mute', userId: user.id, subscriptionId: s.id }),
      })),
    unsubscribeToken: signToken(secret, { purpose: 'unsubscribe', userId: user.id, subscriptionId: null }),
  });
  const stored = items.map((i) => ({
    articleId: i.articleId,
    kb: i.kb,
    title: i.title,
    kind: i.kind,
    minor: i.minor,
    subscriptionIds: i.subscriptionIds,
    changeIds: i.changeIds,
  }));
  return {
    userId: user.id,
    watermark: user.watermark,
    period,
    digest: {
      to: user.email,
      messageId: mail.messageId,
      subject: mail.subject,
      text: mail.text,
      html: mail.html,
      headers: mail.headers,
      items: stored,
    },
  };
}

/** What every due user's items are computed from: one window, its query hits, the subscriptions. */
interface Matching {
  subscriptions: Map<number, ActiveSubscription[]>;
  cache: ItemCache;
  hits: QueryHits;
}

/** Loads the window from the lowest pending watermark up to `horizon` and runs the saved queries on it. */
async function prepareMatching(ctx: Context, pending: DigestUser[], horizon: number): Promise<Matching> {
  const db = ctx.store.db;
  const subscriptions = await activeSubscriptions(db, new Set(pending.map((u) => u.id)));
  const queries = [...subscriptions.values()]
    .flat()
    .flatMap((s) => (s.kind === 'query' && s.query ? [s.query] : []));
  const afterId = pending.reduce((min, u) => Math.min(min, u.watermark), horizon);
  const window = await loadWindow(db, afterId, horizon, { withBody: queries.length > 0 });
  const hits: QueryHits = evaluateQueries(queries, window.articles.values());
  for (const [q, message] of hits.invalid)
    ctx.log.warn(`digest: saved query ${JSON.stringify(q)} no longer parses: ${message}`);
  return { subscriptions, cache: new ItemCache(window), hits };
}

/** Matches, renders and queues one batch of users; adds what it queued to the report. */
async function queueBatch(
  ctx: Context,
  m: Matching,
  batch: { user: DigestUser; period: string }[],
  at: { horizon: number; createdAt: string },
  report: ComposeReport,
): Promise<void> {
  const entries: QueueEntry[] = batch.map(({ user, period }) => {
    const subs = m.subscriptions.get(user.id) ?? [];
    const items = itemsForUser(user, subs, m.cache, m.hits);
    return items.length > 0
      ? digestEntry(ctx, user, period, items, subs)
      : { userId: user.id, watermark: user.watermark, period };
  });
  const inserted = await queueDigests(ctx.store.db, at.horizon, entries, at.createdAt);
  const entryOf = new Map(entries.map((e) => [e.userId, e]));
  const userOf = new Map(batch.map((b) => [b.user.id, b.user]));
  for (const row of inserted) {
    const digest = entryOf.get(row.userId)?.digest;
    const user = userOf.get(row.userId);
    if (!digest || !user) continue;
    report.queued.push({
      digestId: row.id,
      userId: row.userId,
      email: user.email,
      period: row.period,
      items: digest.items.length,
      messageId: digest.messageId,
    });
  }
  report.empty += entries.filter((e) => !e.digest).length;
}

/** Composes and queues every digest due at `at`. Safe to run in several processes at once. */
export async function composeDue(
  ctx: Context,
  at: Date,
  opts: { batchSize?: number } = {},
): Promise<ComposeReport> {
  const db = ctx.store.db;
  const horizon = await changeHorizon(db);
  const users = await digestRecipients(db);
  const states = dueStates(at, users);
  const periodOf = (u: DigestUser) => states.get(u)?.period ?? '';
  const due = users.filter((u) => states.get(u)?.due);
  const report: ComposeReport = { horizon, due: due.length, queued: [], empty: 0, invalidQueries: [] };
  if (due.length === 0) return report;

  const done = await existingDigests(db, [...new Set(due.map(periodOf))]);
  const pending = due.filter((u) => u.watermark < horizon && !done.has(`${u.id}|${periodOf(u)}`));
  if (pending.length === 0) return report;

  const matching = await prepareMatching(ctx, pending, horizon);
  report.invalidQueries = [...matching.hits.invalid.keys()];
  const batchSize = opts.batchSize ?? 500;
  const createdAt = at.toISOString();
  for (let i = 0; i < pending.length; i += batchSize) {
    const batch = pending.slice(i, i + batchSize).map((user) => ({ user, period: periodOf(user) }));
    await queueBatch(ctx, matching, batch, { horizon, createdAt }, report);
  }
  ctx.log.info(
    `digest: ${report.queued.length} queued, ${report.empty} with nothing new, of ${due.length} due (changes up to ${horizon})`,
  );
  return report;
}
