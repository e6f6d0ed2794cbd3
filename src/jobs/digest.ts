/**
 * The digest job: one tick composes and queues what is due, then sends what is queued. The
 * scheduler runs it every few minutes; `kbwatch digest run` runs it once, optionally as if at
 * another time.
 */
import type { Context } from '../context.ts';
import { deliverQueued, type DeliveryReport, type SendOptions } from '../deliver/sender.ts';
import { composeDue, type ComposeOptions, type ComposeReport } from '../digest/compose.ts';
import { HorizonBusyError } from '../store/changes/window.ts';
import { digestStatuses, type DigestStatus } from '../store/outbox.ts';

export interface TickOptions {
  /** The tick's time (default: ctx.now()). */
  at?: Date;
  /** Sender settings; the mailer defaults to the context's. */
  send?: Partial<SendOptions>;
  /** Compose only; leave sending to another process. */
  composeOnly?: boolean;
  /** Composer settings: users per batch, changes per window page, items shown per mail. */
  compose?: ComposeOptions;
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
    compose = await composeDue(ctx, at, opts.compose);
  } catch (err) {
    if (!(err instanceof HorizonBusyError)) throw err;
    ctx.log.warn(err.message);
  }
  const delivery = opts.composeOnly
    ? null
    : await deliverQueued(ctx, { mailer: opts.send?.mailer ?? ctx.mailer, ...opts.send });
  const ids = new Set([
    ...(compose?.queued.map((q) => q.digestId) ?? []),
    ...(delivery?.outcomes.map((o) => o.id) ?? []),
  ]);
  return { compose, delivery, digests: await digestStatuses(ctx.store.db, [...ids]) };
}

/**
 * The scheduled tick: one run (a stopping process claims no more mail and releases what it has
 * not started), then the SMTP pool is closed, so no idle connection outlives the
 * tick (servers drop them anyway) or holds a stopping process open.
 */
export async function runDigestJob(ctx: Context, signal?: AbortSignal): Promise<void> {
  try {
    const r = await runDigestTick(ctx, { send: { signal } });
    if (r.digests.length > 0)
      ctx.log.info(
        `digest: tick sent ${r.delivery?.sent ?? 0}, ${r.delivery?.retried ?? 0} to retry, ${r.delivery?.failed ?? 0} failed`,
      );
  } finally {
    await ctx.mailer.close();
  }
}
