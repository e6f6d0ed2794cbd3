/** Byte-level helpers shared by the git and classic readers. */

/** One file read from a source: its bytes, or why it could not be read. */
export type FileResult = { path: string; data: Buffer } | { path: string; error: string };

/** Byte chunks from a stream, read as lines and fixed-size records without repeated copying. */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private length = 0;

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** The next line without its `\n`, or null when no full line is buffered yet. */
  readLine(): Buffer | null {
    let seen = 0;
    for (let i = 0; i < this.chunks.length; i++) {
      const at = this.chunks[i].indexOf(10);
      if (at >= 0) {
        const line = this.take(seen + at + 1);
        return line.subarray(0, line.length - 1);
      }
      seen += this.chunks[i].length;
    }
    return null;
  }

  /** Drops up to `n` buffered bytes; returns how many were dropped. */
  drop(n: number): number {
    const k = Math.min(n, this.length);
    let left = k;
    while (left > 0) {
      const part = Math.min(this.chunks[0].length, left);
      this.shift(part);
      left -= part;
    }
    return k;
  }

  /** Exactly `n` bytes, or null when fewer are buffered. */
  readExact(n: number): Buffer | null {
    return this.length >= n ? this.take(n) : null;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0];
    if (first && first.length >= n) {
      const out = first.subarray(0, n);
      this.shift(n);
      return out;
    }
    const out = Buffer.allocUnsafe(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0];
      const part = Math.min(chunk.length, n - filled);
      chunk.copy(out, filled, 0, part);
      filled += part;
      this.shift(part);
    }
    return out;
  }

  private shift(n: number): void {
    this.length -= n;
    if (n >= this.chunks[0].length) this.chunks.shift();
    else this.chunks[0] = this.chunks[0].subarray(n);
  }
}

/**
 * Pull-style reading of a byte stream: whole lines, exact lengths, skips. Resolves null (or
 * false) when the stream ends first. With `idleTimeoutMs`, a wait for data longer than that
 * ends the stream early and calls `onIdle` (which should stop the producer).
 */
export class StreamReader {
  private readonly queue = new ByteQueue();
  private ended = false;
  private readonly source: AsyncIterator<Buffer>;
  private readonly input: AsyncIterator<Buffer | string> | Iterator<Buffer | string>;

  constructor(
    stream: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
    private readonly idle?: { timeoutMs: number; onIdle: () => void },
  ) {
    const it: AsyncIterator<Buffer | string> | Iterator<Buffer | string> =
      Symbol.asyncIterator in stream ? stream[Symbol.asyncIterator]() : stream[Symbol.iterator]();
    this.input = it;
    this.source = {
      next: async () => {
        const r = await it.next();
        return r.done
          ? r
          : { done: false, value: typeof r.value === 'string' ? Buffer.from(r.value) : r.value };
      },
    };
  }

  get done(): boolean {
    return this.ended;
  }

  /** Stops reading: the underlying stream is told to finish (a generator's `finally` runs). */
  async close(): Promise<void> {
    this.ended = true;
    await this.input.return?.();
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    let timer: NodeJS.Timeout | undefined;
    const waits: Promise<IteratorResult<Buffer> | 'idle'>[] = [this.source.next()];
    if (this.idle)
      waits.push(new Promise((resolve) => (timer = setTimeout(() => resolve('idle'), this.idle!.timeoutMs))));
    const next = await Promise.race(waits);
    clearTimeout(timer);
    if (next === 'idle') this.idle!.onIdle();
    if (next === 'idle' || next.done) {
      this.ended = true;
      return false;
    }
    this.queue.push(next.value);
    return true;
  }

  async readLine(): Promise<Buffer | null> {
    for (;;) {
      const line = this.queue.readLine();
      if (line || !(await this.fill())) return line;
    }
  }

  async readExact(n: number): Promise<Buffer | null> {
    for (;;) {
      const bytes = this.queue.readExact(n);
      if (bytes || !(await this.fill())) return bytes;
    }
  }

  /** Drops `n` bytes; false when the stream ended first. */
  async skip(n: number): Promise<boolean> {
    let left = n - this.queue.drop(n);
    while (left > 0) {
      if (!(await this.fill())) return false;
      left -= this.queue.drop(left);
    }
    return true;
  }
}
