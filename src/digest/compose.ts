/**
 * Compose and queue: for every user whose digest time has come in their current period and who
 * has no digest for it yet, match the changes since their watermark against their active
 * subscriptions, render the mail and queue it, advancing the watermark in the same transaction.
 * Users with nothing to send only have their watermark advanced: no items, no mail.
 */
import type { Context } from '../context.ts';
import { existingDigests, queueDigests, type QueueEntry } from '../deliver/outbox.ts';
import { evaluateQueries, ItemCache, itemsForUser, type QueryHits } from '../match/match.ts';
import type { ActiveSubscription, DigestItem } from '../match/types.ts';
import { changeHorizon, loadActiveSubscriptions, loadWindow } from '../match/window.ts';
import { dueStates, type Cadence } from './period.ts';
import { renderDigest } from './template.ts';
import { signToken } from './tokens.ts';

export interface DigestUser {
  id: number;
  email: string;
  timeZone: string;
  digestHour: number;
  cadence: Cadence;
  includeMinor: boolean;
  watermark: number;
}

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

/** Confirmed, unsuppressed users: the only ones a digest may go to (double opt-in). */
export async function loadDigestUsers(ctx: Context): Promise<DigestUser[]> {
  const rows = await ctx.store.db
    .selectFrom('users')
    .select(['id', 'email', 'time_zone', 'digest_hour', 'cadence', 'include_minor', 'watermark'])
    .where('confirmed_at', 'is not', null)
    .where('suppressed_at', 'is', null)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    email: r.email,
    timeZone: r.time_zone,
    digestHour: r.digest_hour,
    cadence: r.cadence,
    includeMinor: r.include_minor === 1,
    watermark: r.watermark,
  }));
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

/** Composes and queues every digest due at `at`. Safe to run in several processes at once. */
export async function composeDue(
  ctx: Context,
  at: Date,
  opts: { batchSize?: number } = {},
): Promise<ComposeReport> {
  const db = ctx.store.db;
  const horizon = await changeHorizon(db);
  const users = await loadDigestUsers(ctx);
  const states = dueStates(at, users);
  const due = users.filter((u) => states.get(u)!.due);
  const report: ComposeReport = { horizon, due: due.length, queued: [], empty: 0, invalidQueries: [] };
  if (due.length === 0) return report;

  const done = await existingDigests(db, [...new Set(due.map((u) => states.get(u)!.period))]);
  const pending = due.filter((u) => u.watermark < horizon && !done.has(`${u.id}|${states.get(u)!.period}`));
  if (pending.length === 0) return report;

  const subscriptions = await loadActiveSubscriptions(db, new Set(pending.map((u) => u.id)));
  const queries = [...subscriptions.values()]
    .flat()
    .flatMap((s) => (s.kind === 'query' && s.query ? [s.query] : []));
  const afterId = pending.reduce((min, u) => Math.min(min, u.watermark), horizon);
  const window = await loadWindow(db, afterId, horizon, { withBody: queries.length > 0 });
  const hits: QueryHits = evaluateQueries(queries, window.articles.values());
  report.invalidQueries = [...hits.invalid.keys()];
  for (const [q, message] of hits.invalid)
    ctx.log.warn(`digest: saved query ${JSON.stringify(q)} no longer parses: ${message}`);

  const cache = new ItemCache(window);
  const byId = new Map(pending.map((u) => [u.id, u]));
  const batchSize = opts.batchSize ?? 500;
  const createdAt = at.toISOString();
  for (let i = 0; i < pending.length; i += batchSize) {
    const entries = pending.slice(i, i + batchSize).map((user) => {
      const subs = subscriptions.get(user.id) ?? [];
      const items = itemsForUser(user, subs, cache, hits);
      const period = states.get(user)!.period;
      return items.length > 0
        ? digestEntry(ctx, user, period, items, subs)
        : { userId: user.id, watermark: user.watermark, period };
    });
    const inserted = await queueDigests(db, horizon, entries, createdAt);
    const entryOf = new Map(entries.map((e) => [e.userId, e]));
    for (const row of inserted) {
      const e = entryOf.get(row.userId)!;
      report.queued.push({
        digestId: row.id,
        userId: row.userId,
        email: byId.get(row.userId)!.email,
        period: row.period,
        items: e.digest!.items.length,
        messageId: e.digest!.messageId,
      });
    }
    report.empty += entries.filter((e) => !e.digest).length;
  }
  ctx.log.info(
    `digest: ${report.queued.length} queued, ${report.empty} with nothing new, of ${due.length} due (changes up to ${horizon})`,
  );
  return report;
}
