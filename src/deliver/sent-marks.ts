/**
 * Writes "sent" for accepted messages as soon as possible, several at once when they come
 * together: acceptances of one event-loop turn, and those arriving while the previous write is
 * still running, share one UPDATE (group commit). No timer: the wait is never longer than the
 * write already in progress, so the window between acceptance and commit stays that short.
 * Every mark is fenced by the row's claim; a row whose claim was lost is reported, not marked. A
 * mark that fails (the database went away) is written again.
 */
import type { Context } from '../context.ts';
import { markSent, type Claim } from '../store/digest-delivery.ts';
import { retryWrite } from '../store/retry.ts';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class SentMarks {
  private pending: Claim[] = [];
  private scheduled = false;
  private writing: Promise<void> | null = null;
  /** Accepted rows that could not be marked because another claim holds them now. */
  readonly lost: number[] = [];

  constructor(private readonly ctx: Context) {}

  add(claim: Claim): void {
    this.pending.push(claim);
    if (this.scheduled || this.writing) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    if (this.writing || this.pending.length === 0) return;
    const claims = this.pending;
    this.pending = [];
    this.writing = this.write(claims).finally(() => {
      this.writing = null;
      this.flush();
    });
  }

  /**
   * Marks the claims sent, trying again when the write fails (the database restarting, a
   * connection closed under it): the messages are accepted, and an unmarked row would be sent
   * again once its claim runs out. Writing the mark twice is harmless (markSent is idempotent).
   */
  private async write(claims: Claim[]): Promise<void> {
    const at = this.ctx.now().toISOString();
    const ids = () => claims.map((c) => c.id).join(', ');
    let marked: number[];
    try {
      marked = await retryWrite(() => markSent(this.ctx.store.db, claims, at), {
        onRetry: (err) =>
          this.ctx.log.warn(`deliver: marking digests ${ids()} sent failed (${message(err)}); trying again`),
      });
    } catch (err) {
      this.ctx.log.error(
        `deliver: digests ${ids()} were accepted but could not be marked sent: ${message(err)}`,
      );
      return;
    }
    if (marked.length === claims.length) return;
    const done = new Set(marked);
    const lost = claims.filter((c) => !done.has(c.id)).map((c) => c.id);
    this.lost.push(...lost);
    this.ctx.log.warn(
      `deliver: digests ${lost.join(', ')} were accepted after their claim ran out; the new claim decides`,
    );
  }

  /** Resolves once every accepted message is recorded. */
  async drain(): Promise<void> {
    while (this.writing || this.pending.length > 0 || this.scheduled) {
      if (!this.writing && !this.scheduled) this.flush();
      await (this.writing ?? new Promise((r) => setImmediate(r)));
    }
  }
}
