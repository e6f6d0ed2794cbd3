/**
 * Writes that must land even when the database goes away for a moment (a restart, a connection
 * the server closed): tried again with a doubling pause, about 6 s in all by default. Only for
 * writes whose repetition does no harm, as the first attempt may have committed before its
 * answer was lost: a "sent" mark fenced by its claim, a scan's outcome (its error may then be
 * listed twice).
 */
export interface RetryOptions {
  attempts?: number;
  firstDelayMs?: number;
  /** Told of each failure that is tried again. */
  onRetry?: (err: unknown, attempt: number) => void;
}

export async function retryWrite<T>(write: () => Promise<T>, opts: RetryOptions = {}): Promise<T> {
  const attempts = opts.attempts ?? 6;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= attempts) throw err;
      opts.onRetry?.(err, attempt);
      await new Promise((r) => setTimeout(r, (opts.firstDelayMs ?? 200) * 2 ** (attempt - 1)));
    }
  }
}
