/**
 * One digest tick: compose and queue what is due, then send what is queued. The scheduler runs
 * it every few minutes; `kbwatch digest run` runs it once, optionally as if at another time.
 */
import type { Context } from '../context.ts';
import { closeMailer, getMailer } from '../deliver/mailer.ts';
import { deliverQueued, type DeliveryReport, type SendOptions } from '../deliver/sender.ts';
import { HorizonBusyError } from '../match/window.ts';
import { composeDue, type ComposeReport } from './compose.ts';

export interface TickOptions {
  /** The tick's time (default: ctx.now()). */
  at?: Date;
  /** Sender settings; the mailer defaults to the process's mailer. */
  send?: Partial<SendOptions>;
  /** Compose only; leave sending to another process. */
  composeOnly?: boolean;
}

export interface DigestStatus {
  id: number;
  user: string;
  period: string;
  items: number;
  messageId: string;
  status: string;
  error: string | null;
}

export interface TickReport {
  compose: ComposeReport | null;
  delivery: DeliveryReport | null;
  /** Every digest queued or sent by this tick, with its status afterwards. */
  digests: DigestStatus[];
}

export async function runDigestTick(ctx: Context, opts: TickOptions = {}): Promise<TickReport> {
  const at = opts.at ?? ctx.now();
  let compose: ComposeReport | null = null;
  try {
    compose = await composeDue(ctx, at);
  } catch (err) {
    if (!(err instanceof HorizonBusyError)) throw err;
    ctx.log.warn(err.message);
  }
  const delivery = opts.composeOnly
    ? null
    : await deliverQueued(ctx, { mailer: opts.send?.mailer ?? getMailer(ctx), ...opts.send });
  const ids = new Set([
    ...(compose?.queued.map((q) => q.digestId) ?? []),
    ...(delivery?.outcomes.map((o) => o.id) ?? []),
  ]);
  return { compose, delivery, digests: await digestStatuses(ctx, [...ids]) };
}

/**
 * The scheduled tick: one run, then the SMTP pool is closed, so no idle connection outlives the
 * tick (servers drop them anyway) or holds a stopping process open.
 */
export async function runDigestJob(ctx: Context): Promise<void> {
  try {
    const r = await runDigestTick(ctx);
    if (r.digests.length > 0)
      ctx.log.info(
        `digest: tick sent ${r.delivery?.sent ?? 0}, ${r.delivery?.retried ?? 0} to retry, ${r.delivery?.failed ?? 0} failed`,
      );
  } finally {
    await closeMailer(ctx);
  }
}

export async function digestStatuses(ctx: Context, ids: number[]): Promise<DigestStatus[]> {
  const out: DigestStatus[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await ctx.store.db
      .selectFrom('digests as d')
      .innerJoin('users as u', 'u.id', 'd.user_id')
      .select(['d.id', 'u.email', 'd.period', 'd.item_count', 'd.message_id', 'd.status', 'd.last_error'])
      .where('d.id', 'in', ids.slice(i, i + 500))
      .execute();
    out.push(
      ...rows.map((r) => ({
        id: r.id,
        user: r.email,
        period: r.period,
        items: r.item_count,
        messageId: r.message_id,
        status: r.status,
        error: r.last_error,
      })),
    );
  }
  return out.sort((a, b) => a.id - b.id);
}
