/**
 * Compose and queue: for every user whose digest time has come in their current period and who
 * has no digest for it yet, match the changes since their watermark against their active
 * subscriptions, render the mail and queue it, advancing the watermark in the same transaction.
 * Users with nothing to send only have their watermark advanced: no items, no mail.
 *
 * Memory stays bounded whatever the number of users and the length of their windows: users are
 * read a page at a time (by id) with only their own subscriptions, the change window is read in
 * pages without bodies (match/pages.ts), and each user keeps the first `maxItems` items and the
 * count of the rest, which the mail names and links to ("…and 312 more").
 */
import type { Context } from '../context.ts';
import { itemsForUser } from '../match/match.ts';
import { WindowReader, WINDOW_PAGE_SIZE } from '../match/pages.ts';
import type { ActiveSubscription } from '../match/types.ts';
import { changeHorizon } from '../store/changes/window.ts';
import { existingDigests, queueDigests, type QueueEntry } from '../store/digests.ts';
import { activeSubscriptions } from '../store/subscriptions.ts';
import { digestRecipientsPage, type DigestUser } from '../store/users.ts';
import { moreLinks } from './more-links.ts';
import { dueStates } from './period.ts';
import { DigestTally } from './tally.ts';
import { MAX_ITEMS_SHOWN, renderDigest } from './template.ts';
import { signToken } from './tokens.ts';

export interface QueuedDigest {
  digestId: number;
  userId: number;
  email: string;
  period: string;
  /** Items in the digest, shown in the mail or not. */
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

export interface ComposeOptions {
  /** Users read, matched and queued together (default 1,000). */
  batchSize?: number;
  /** Alertable changes per page of the change window (default 500). */
  windowPageSize?: number;
  /** Items shown in one mail; the rest are counted and linked (default MAX_ITEMS_SHOWN, 50). */
  maxItems?: number;
}

export const USER_BATCH_SIZE = 1_000;

/** One compose run: its settings, the window reader shared by its batches, and its report. */
interface Run {
  ctx: Context;
  at: Date;
  createdAt: string;
  horizon: number;
  maxItems: number;
  reader: WindowReader;
  report: ComposeReport;
  invalid: Set<string>;
  pending: number;
}

type Pending = { user: DigestUser; period: string };

function digestEntry(
  ctx: Context,
  { user, period }: Pending,
  tally: DigestTally,
  subs: ActiveSubscription[],
  moreUrl: string,
): QueueEntry {
  const secret = ctx.config.secret;
  const mail = renderDigest({
    baseUrl: ctx.config.baseUrl,
    userId: user.id,
    period,
    cadence: user.cadence,
    items: tally.shown,
    totals: { items: tally.total, fresh: tally.fresh, technologies: tally.topTechnologies(), moreUrl },
    subscriptions: subs
      .filter((s) => tally.subscriptionIds.has(s.id))
      .map((s) => ({
        id: s.id,
        kind: s.kind,
        label: s.label,
        muteToken: signToken(secret, { purpose: 'mute', userId: user.id, subscriptionId: s.id }),
      })),
    unsubscribeToken: signToken(secret, { purpose: 'unsubscribe', userId: user.id, subscriptionId: null }),
  });
  const stored = tally.shown.map((i) => ({
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
      itemCount: tally.total,
    },
  };
}

/**
 * Matches a batch of users (oldest watermark first) page by page of the window: a page counts
 * for the users whose watermark lies below it, and each page's items join their tallies.
 */
async function matchBatch(
  run: Run,
  batch: DigestUser[],
  subscriptions: Map<number, ActiveSubscription[]>,
): Promise<Map<number, DigestTally>> {
  const tallies = new Map(
    batch.map((u) => [u.id, new DigestTally(run.maxItems, subscriptions.get(u.id) ?? [])]),
  );
  for await (const page of run.reader.pages(batch[0].watermark)) {
    const active = batch.filter((u) => u.watermark < page.hi);
    const queries = active.flatMap((u) =>
      (subscriptions.get(u.id) ?? []).flatMap((s) => (s.kind === 'query' && s.query ? [s.query] : [])),
    );
    const hits = await run.reader.hits(page, queries);
    for (const [q, message] of hits.invalid) {
      if (run.invalid.has(q)) continue;
      run.invalid.add(q);
      run.ctx.log.warn(`digest: saved query ${JSON.stringify(q)} no longer parses: ${message}`);
    }
    for (const u of active)
      tallies.get(u.id)!.add(itemsForUser(u, subscriptions.get(u.id) ?? [], page.cache, hits));
  }
  return tallies;
}

/** Matches, renders and queues the due users of one page of users; adds what it did to the report. */
async function composeBatch(run: Run, users: DigestUser[]): Promise<void> {
  const db = run.ctx.store.db;
  const states = dueStates(run.at, users);
  const due = users.filter((u) => states.get(u)?.due);
  run.report.due += due.length;
  if (due.length === 0) return;
  const periodOf = (u: DigestUser) => states.get(u)?.period ?? '';
  const done = await existingDigests(
    db,
    [...new Set(due.map(periodOf))],
    due.map((u) => u.id),
  );
  const pending = due
    .filter((u) => u.watermark < run.horizon && !done.has(`${u.id}|${periodOf(u)}`))
    .sort((a, b) => a.watermark - b.watermark || a.id - b.id);
  if (pending.length === 0) return;
  run.pending += pending.length;

  const subscriptions = await activeSubscriptions(db, new Set(pending.map((u) => u.id)));
  const tallies = await matchBatch(run, pending, subscriptions);
  const links = await moreLinks(run.ctx, run.horizon, pending, tallies, subscriptions);
  const entries: QueueEntry[] = pending.map((user) => {
    const tally = tallies.get(user.id)!;
    const p = { user, period: periodOf(user) };
    return tally.total > 0
      ? digestEntry(run.ctx, p, tally, subscriptions.get(user.id) ?? [], links.get(user.id) ?? '')
      : { userId: user.id, watermark: user.watermark, period: p.period };
  });
  await queueEntries(run, entries, pending);
}

async function queueEntries(run: Run, entries: QueueEntry[], pending: DigestUser[]): Promise<void> {
  const inserted = await queueDigests(run.ctx.store.db, run.horizon, entries, run.createdAt);
  const entryOf = new Map(entries.map((e) => [e.userId, e]));
  const userOf = new Map(pending.map((u) => [u.id, u]));
  for (const row of inserted) {
    const digest = entryOf.get(row.userId)?.digest;
    const user = userOf.get(row.userId);
    if (!digest || !user) continue;
    run.report.queued.push({
      digestId: row.id,
      userId: row.userId,
      email: user.email,
      period: row.period,
      items: digest.itemCount ?? digest.items.length,
      messageId: digest.messageId,
    });
  }
  run.report.empty += entries.filter((e) => !e.digest).length;
}

/** Composes and queues every digest due at `at`. Safe to run in several processes at once. */
export async function composeDue(ctx: Context, at: Date, opts: ComposeOptions = {}): Promise<ComposeReport> {
  const db = ctx.store.db;
  const horizon = await changeHorizon(db);
  const batchSize = opts.batchSize ?? USER_BATCH_SIZE;
  if (!(batchSize >= 1)) throw new RangeError(`digest: batch size must be at least 1, not ${batchSize}`);
  const run: Run = {
    ctx,
    at,
    createdAt: at.toISOString(),
    horizon,
    maxItems: opts.maxItems ?? MAX_ITEMS_SHOWN,
    reader: new WindowReader(db, horizon, opts.windowPageSize ?? WINDOW_PAGE_SIZE),
    report: { horizon, due: 0, queued: [], empty: 0, invalidQueries: [] },
    invalid: new Set(),
    pending: 0,
  };
  for (let afterId = 0; ;) {
    const users = await digestRecipientsPage(db, afterId, batchSize);
    if (users.length > 0) await composeBatch(run, users);
    if (users.length < batchSize) break;
    afterId = users[users.length - 1].id;
  }
  run.report.invalidQueries = [...run.invalid];
  if (run.pending > 0)
    ctx.log.info(
      `digest: ${run.report.queued.length} queued, ${run.report.empty} with nothing new, of ${run.report.due} due (changes up to ${horizon}; window read in ${run.reader.pagesRead} page(s))`,
    );
  return run.report;
}
