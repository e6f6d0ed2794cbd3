/**
 * The sender: claims queued digests in small batches and keeps a few messages in flight through
 * the mailer's pool. Each message's outcome is written the moment the server answers, so the
 * window in which a crash can duplicate a mail is one UPDATE long. Temporary failures (4xx,
 * dropped connections, timeouts) go back to the queue with exponential backoff and jitter until
 * the attempt limit; permanent ones (5xx) fail and count as a hard bounce.
 *
 * Leases and retry times follow the real clock (they are about processes and servers), even
 * when the digest clock is fixed for a replay.
 */
import { randomUUID } from 'node:crypto';
import type { Context } from '../context.ts';
import { MailError, type Mailer } from './mailer.ts';
import {
  claimDigests,
  markFailed,
  markRetry,
  releaseClaims,
  renewClaims,
  type ClaimedDigest,
} from '../store/digest-delivery.ts';
import { SentMarks } from './sent-marks.ts';
import { groupBy } from '../store/codec.ts';

export interface SendOptions {
  mailer: Mailer;
  /** Messages in flight at once (default 8). */
  concurrency?: number;
  /** Rows claimed per query (default 2 × concurrency). */
  batchSize?: number;
  /** How long a claim holds before another process may take the row over (default 120 s). */
  leaseMs?: number;
  /** Attempts before a temporary failure becomes final (default 8). */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt (default 60 s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Hard bounces that suppress an address (default 3). */
  bounceLimit?: number;
  wallClock?: () => number;
  random?: () => number;
  /** Aborted: claim nothing more, finish what is in flight, release the rest. */
  signal?: AbortSignal;
}

export interface SendOutcome {
  id: number;
  userId: number;
  period: string;
  status: 'sent' | 'retry' | 'failed';
  error?: string;
  /** The address was suppressed by this failure. */
  suppressed?: boolean;
}

export interface DeliveryReport {
  sent: number;
  retried: number;
  failed: number;
  outcomes: SendOutcome[];
}

/** Exponential backoff with jitter: base·2^(attempt-1), capped, then scaled by 0.5–1. */
export function backoffDelay(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exp * (0.5 + random() * 0.5));
}

function describe(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.length > 500 ? `${text.slice(0, 500)}…` : text;
}

interface Claimed {
  row: ClaimedDigest;
  /** Wall-clock ms when our claim on the row ends (moved on by each renewal). */
  leaseUntil: number;
}

/** One run of the sender: what is claimed, waiting and in flight. */
class Run {
  readonly report: DeliveryReport = { sent: 0, retried: 0, failed: 0, outcomes: [] };
  readonly queue: Claimed[] = [];
  readonly inflight = new Map<number, { claimed: Claimed; done: Promise<void> }>();
  readonly marks: SentMarks;
  exhausted = false;
  claiming: Promise<void> | null = null;
  claimError: unknown;

  constructor(
    readonly ctx: Context,
    readonly opts: SendOptions,
    readonly leaseMs: number,
    readonly wall: () => number,
  ) {
    this.marks = new SentMarks(ctx);
  }

  /** Claims the next batch while the current one is sent; nothing new once the run is stopping. */
  refill(concurrency: number, batchSize: number): void {
    if (this.opts.signal?.aborted) this.exhausted = true;
    if (this.exhausted || this.claiming || this.queue.length >= concurrency) return;
    const now = this.wall();
    const leaseUntil = now + this.leaseMs;
    this.claiming = claimDigests(
      this.ctx.store.db,
      batchSize,
      new Date(now).toISOString(),
      new Date(leaseUntil).toISOString(),
      randomUUID(),
    )
      .then((rows) => {
        if (rows.length === 0) this.exhausted = true;
        for (const row of rows) this.queue.push({ row, leaseUntil });
      })
      .catch((err: unknown) => {
        this.claimError = err;
        this.exhausted = true;
      })
      .finally(() => (this.claiming = null));
  }

  record(outcome: SendOutcome): void {
    this.report.outcomes.push(outcome);
    if (outcome.status === 'sent') this.report.sent++;
    else if (outcome.status === 'retry') this.report.retried++;
    else this.report.failed++;
  }

  start(claimed: Claimed): void {
    // A row whose lease is about to run out is left alone: another process may take it over.
    if (this.wall() > claimed.leaseUntil - this.leaseMs / 10) return;
    const done: Promise<void> = sendAndRecord(this, claimed.row)
      .then((o) => this.record(o))
      .finally(() => this.inflight.delete(claimed.row.id));
    this.inflight.set(claimed.row.id, { claimed, done });
  }

  /** The lease heartbeat: every claim still waiting or in flight is extended; lost ones are dropped. */
  async renew(): Promise<void> {
    const held = [...this.queue, ...[...this.inflight.values()].map((f) => f.claimed)];
    const byToken = groupBy(held, (c) => c.row.token);
    const leaseUntil = this.wall() + this.leaseMs;
    for (const [token, claims] of byToken) {
      const kept = new Set(
        await renewClaims(
          this.ctx.store.db,
          claims.map((c) => c.row.id),
          token,
          new Date(leaseUntil).toISOString(),
        ),
      );
      for (const c of claims) if (kept.has(c.row.id)) c.leaseUntil = leaseUntil;
      const lost = this.queue.filter((c) => c.row.token === token && !kept.has(c.row.id));
      for (const c of lost) this.queue.splice(this.queue.indexOf(c), 1);
    }
  }

  /** Claims that were never started go straight back to the queue (the run is stopping). */
  async release(): Promise<void> {
    const byToken = groupBy(
      this.queue.splice(0),
      (c) => c.row.token,
      (c) => c.row.id,
    );
    for (const [token, ids] of byToken) await releaseClaims(this.ctx.store.db, ids, token);
  }
}

/**
 * Sends everything claimable now; rows waiting for a retry time stay for a later run. The next
 * batch is claimed while the current one is being sent; the claims of rows waiting or in flight
 * are renewed while the run lasts, so a slow server never lets another process send them too.
 * With `signal` aborted the run claims nothing more, finishes what is in flight and releases the
 * rest.
 */
export async function deliverQueued(ctx: Context, opts: SendOptions): Promise<DeliveryReport> {
  const concurrency = opts.concurrency ?? 8;
  const batchSize = opts.batchSize ?? concurrency * 2;
  const leaseMs = opts.leaseMs ?? 120_000;
  const run = new Run(ctx, opts, leaseMs, opts.wallClock ?? Date.now);
  let renewing: Promise<void> | null = null;
  const heartbeat = setInterval(() => {
    renewing ??= run
      .renew()
      .catch((err: unknown) => ctx.log.warn(`deliver: could not renew claims: ${describe(err)}`))
      .finally(() => (renewing = null));
  }, leaseMs / 3);
  try {
    for (;;) {
      run.refill(concurrency, batchSize);
      while (run.inflight.size < concurrency && run.queue.length > 0 && !opts.signal?.aborted)
        run.start(run.queue.shift()!);
      const waiting = [
        ...[...run.inflight.values()].map((f) => f.done),
        ...(run.claiming ? [run.claiming] : []),
      ];
      if (waiting.length === 0) break;
      await Promise.race(waiting);
    }
    await run.marks.drain();
  } finally {
    clearInterval(heartbeat);
    await renewing;
    await run.release();
  }
  if (run.claimError) throw run.claimError;
  return run.report;
}

async function sendAndRecord(run: Run, row: ClaimedDigest): Promise<SendOutcome> {
  const { ctx, opts } = run;
  const base = { id: row.id, userId: row.userId, period: row.period };
  try {
    await opts.mailer.send({
      to: row.to,
      subject: row.subject,
      text: row.text,
      html: row.html,
      messageId: row.messageId,
      headers: row.headers,
    });
  } catch (err) {
    try {
      return await recordFailure(run, row, err);
    } catch (dbErr) {
      ctx.log.error(
        `deliver: digest ${row.id}: could not record the failure (${describe(dbErr)}); it is retried when its lease ends`,
      );
      return { ...base, status: 'retry', error: describe(err) };
    }
  }
  // Recorded at once, without holding the sending slot: the next message goes out meanwhile.
  run.marks.add({ id: row.id, token: row.token });
  return { ...base, status: 'sent' };
}

async function recordFailure(run: Run, row: ClaimedDigest, err: unknown): Promise<SendOutcome> {
  const { ctx, opts, wall } = run;
  const base = { id: row.id, userId: row.userId, period: row.period };
  const db = ctx.store.db;
  const claim = { id: row.id, token: row.token };
  const error = describe(err);
  const permanent = err instanceof MailError && !err.temporary;
  if (permanent || row.attempts >= (opts.maxAttempts ?? 8)) {
    const suppressed = await markFailed(db, claim, error, {
      hardBounce: permanent,
      bounceLimit: opts.bounceLimit ?? 3,
      at: ctx.now().toISOString(),
    });
    if (suppressed) ctx.log.warn(`deliver: ${row.to} suppressed after repeated hard bounces`);
    ctx.log.warn(`deliver: digest ${row.id} to ${row.to} failed after ${row.attempts} attempt(s): ${error}`);
    return { ...base, status: 'failed', error, suppressed };
  }
  const delay = backoffDelay(
    row.attempts,
    opts.backoffMs ?? 60_000,
    opts.maxBackoffMs ?? 6 * 3_600_000,
    opts.random,
  );
  const ambiguous = err instanceof MailError && err.ambiguous;
  if (!(await markRetry(db, claim, error, new Date(wall() + delay).toISOString(), ambiguous)))
    ctx.log.warn(`deliver: digest ${row.id}: its claim ran out during the attempt; the new claim decides`);
  ctx.log.info(
    `deliver: digest ${row.id} to ${row.to}: temporary failure, retry in ${Math.round(delay / 1000)} s: ${error}`,
  );
  return { ...base, status: 'retry', error };
}
