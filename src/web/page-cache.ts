/**
 * Rendered pages kept in memory, least recently used out first, bounded by size. Keys carry
 * everything the page depends on (the newest change id, the article's revision, the feedback
 * count…), so a stale entry is never looked up again and simply ages out.
 */
export class PageCache {
  private readonly entries = new Map<string, string>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  get(key: string): string | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      // Map keeps insertion order: re-inserting marks the entry as the most recently used.
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(key: string, value: string): void {
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.bytes -= old.length;
    }
    if (value.length > this.maxBytes / 4) return;
    this.entries.set(key, value);
    this.bytes += value.length;
    for (const [k, v] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= v.length;
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

const byOwner = new WeakMap<object, Map<string, PageCache>>();

/**
 * The cache called `name` of one store (a process may hold several stores, as tests do, and
 * a page of one must never be served from another).
 */
export function pageCache(owner: object, name: string, maxBytes: number): PageCache {
  let caches = byOwner.get(owner);
  if (!caches) byOwner.set(owner, (caches = new Map()));
  let cache = caches.get(name);
  if (!cache) caches.set(name, (cache = new PageCache(maxBytes)));
  return cache;
}
