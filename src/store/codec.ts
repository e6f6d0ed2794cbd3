/**
 * The store's small shared pieces: batches for `IN (…)` lists and multi-row inserts, and the
 * decoding of JSON columns (lists, change summaries, objects), tolerant of old or broken rows.
 */
import type { ChangeSummary } from '../model/article.ts';

/** Splits `items` into batches of at most `size` (bound parameters stay under both engines' limits). */
export function chunks<T>(items: readonly T[], size = 300): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A JSON column holding a list of strings (products, areas, keywords); anything else reads as []. */
export function jsonList(text: string | null | undefined): string[] {
  if (!text) return [];
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? v.filter((x) => x !== null && x !== undefined).map(String) : [];
  } catch {
    return [];
  }
}

/** A JSON column holding an object; null when empty or not an object. */
export function jsonObject<T extends object>(text: string | null | undefined): T | null {
  if (!text) return null;
  try {
    const v = JSON.parse(text) as unknown;
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as T) : null;
  } catch {
    return null;
  }
}

/** The summary of an `updated` change as stored in `changes.summary`. */
export function parseSummary(text: string | null | undefined): ChangeSummary | null {
  const s = jsonObject<Partial<ChangeSummary>>(text);
  if (!s) return null;
  return {
    sections: Array.isArray(s.sections) ? s.sections.map(String) : [],
    wordsAdded: Number(s.wordsAdded) || 0,
    wordsRemoved: Number(s.wordsRemoved) || 0,
    minor: Boolean(s.minor),
  };
}

/** Groups `items` by `key`, keeping their order within each group. */
export function groupBy<T, K, V = T>(
  items: Iterable<T>,
  key: (item: T) => K,
  value?: (item: T) => V,
): Map<K, V[]> {
  const out = new Map<K, V[]>();
  for (const item of items) {
    const k = key(item);
    const v = value ? value(item) : (item as unknown as V);
    const list = out.get(k);
    if (list) list.push(v);
    else out.set(k, [v]);
  }
  return out;
}
