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
import type { Context } from '../context.ts';
import { MailError, type Mailer } from './mailer.ts';
import {
  claimDigests,
  markFailed,
  markRetry,
  markSent,
  type ClaimedDigest,
} from '../store/digest-delivery.ts';

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

/**
 * Writes "sent" for accepted messages as soon as possible, several at once when they come
 * together: acceptances of one event-loop turn, and those arriving while the previous write is
 * still running, share one UPDATE (group commit). No timer: the wait is never longer than the
 * write already in progress, so the window between acceptance and commit stays that short.
 */
class SentMarks {
  private pending: number[] = [];
  private scheduled = false;
  private writing: Promise<void> | null = null;

  constructor(private readonly ctx: Context) {}

  add(id: number): void {
    this.pending.push(id);
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.writing || this.pending.length === 0) return;
    const ids = this.pending;
    this.pending = [];
    this.writing = markSent(this.ctx.store.db, ids, this.ctx.now().toISOString())
      .catch((err: unknown) =>
        this.ctx.log.error(
          `deliver: digests ${ids.join(', ')} were accepted but could not be marked sent: ${describe(err)}`,
        ),
      )
      .finally(() => {
        this.writing = null;
        this.flush();
      });
  }

  /** Resolves once every accepted message is recorded. */
  async drain(): Promise<void> {
    while (this.writing || this.pending.length > 0 || this.scheduled) {
      if (!this.writing && !this.scheduled) this.flush();
      await (this.writing ?? new Promise((r) => setImmediate(r)));
    }
  }
}

interface Claimed {
  row: ClaimedDigest;
  /** Wall-clock ms when our claim on the row ends. */
  leaseUntil: number;
}

/**
 * Sends everything claimable now; rows waiting for a retry time stay for a later run. The next
 * batch is claimed while the current one is being sent, and a row whose lease is about to run
 * out is left alone rather than sent (another process may already have taken it over).
 */
export async function deliverQueued(ctx: Context, opts: SendOptions): Promise<DeliveryReport> {
  const concurrency = opts.concurrency ?? 8;
  const batchSize = opts.batchSize ?? concurrency * 2;
  const leaseMs = opts.leaseMs ?? 120_000;
  const wall = opts.wallClock ?? Date.now;
  const report: DeliveryReport = { sent: 0, retried: 0, failed: 0, outcomes: [] };
  const queue: Claimed[] = [];
  const inflight = new Set<Promise<void>>();
  const marks = new SentMarks(ctx);
  let exhausted = false;
  let claiming: Promise<void> | null = null;
  let claimError: unknown;

  const refill = () => {
    if (exhausted || claiming || queue.length >= concurrency) return;
    const now = wall();
    const leaseUntil = now + leaseMs;
    claiming = claimDigests(
      ctx.store.db,
      batchSize,
      new Date(now).toISOString(),
      new Date(leaseUntil).toISOString(),
    )
      .then((rows) => {
        if (rows.length === 0) exhausted = true;
        for (const row of rows) queue.push({ row, leaseUntil });
      })
      .catch((err: unknown) => {
        claimError = err;
        exhausted = true;
      })
      .finally(() => (claiming = null));
  };
  const record = (outcome: SendOutcome) => {
    report.outcomes.push(outcome);
    if (outcome.status === 'sent') report.sent++;
    else if (outcome.status === 'retry') report.retried++;
    else report.failed++;
  };
  const start = ({ row, leaseUntil }: Claimed) => {
    if (wall() > leaseUntil - leaseMs / 10) return;
    const p: Promise<void> = sendAndRecord(ctx, opts, row, wall, marks)
      .then(record)
      .finally(() => inflight.delete(p));
    inflight.add(p);
  };

  for (;;) {
    refill();
    while (inflight.size < concurrency && queue.length > 0) start(queue.shift()!);
    const waiting = claiming ? [...inflight, claiming] : [...inflight];
    if (waiting.length === 0) break;
    await Promise.race(waiting);
  }
  await marks.drain();
  if (claimError) throw claimError;
  return report;
}

async function sendAndRecord(
  ctx: Context,
  opts: SendOptions,
  row: ClaimedDigest,
  wall: () => number,
  marks: SentMarks,
): Promise<SendOutcome> {
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
      return await recordFailure(ctx, opts, row, wall, err);
    } catch (dbErr) {
      ctx.log.error(
        `deliver: digest ${row.id}: could not record the failure (${describe(dbErr)}); it is retried when its lease ends`,
      );
      return { ...base, status: 'retry', error: describe(err) };
    }
  }
  // Recorded at once, without holding the sending slot: the next message goes out meanwhile.
  marks.add(row.id);
  return { ...base, status: 'sent' };
}

async function recordFailure(
  ctx: Context,
  opts: SendOptions,
  row: ClaimedDigest,
  wall: () => number,
  err: unknown,
): Promise<SendOutcome> {
  const base = { id: row.id, userId: row.userId, period: row.period };
  const db = ctx.store.db;
  const error = describe(err);
  const permanent = err instanceof MailError && !err.temporary;
  if (permanent || row.attempts >= (opts.maxAttempts ?? 8)) {
    const suppressed = await markFailed(db, row.id, error, {
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
  await markRetry(db, row.id, error, new Date(wall() + delay).toISOString());
  ctx.log.info(
    `deliver: digest ${row.id} to ${row.to}: temporary failure, retry in ${Math.round(delay / 1000)} s: ${error}`,
  );
  return { ...base, status: 'retry', error };
}
