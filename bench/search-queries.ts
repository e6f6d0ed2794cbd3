/**
 * A fixed set of search queries drawn from the archive itself (title words, phrases, technology
 * filters, OR and exclusions), and the timing of `search()` against the raw FTS query.
 */
import type { Store } from '../src/store/db.ts';
import { search } from '../src/store/search/index.ts';
import { rawFtsQuery } from './raw-fts.ts';
import { percentile, median } from './lib.ts';

const STOP = new Set([
  'with',
  'from',
  'that',
  'this',
  'when',
  'your',
  'have',
  'does',
  'about',
  'after',
  'into',
  'using',
  'error',
  'cannot',
  'windows',
  'microsoft',
]);

function words(title: string): string[] {
  return title
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 3 && !STOP.has(w) && !/^\d+$/.test(w));
}

export interface BenchQuery {
  text: string;
  words: string[];
}

export async function searchQueries(store: Store, n: number): Promise<BenchQuery[]> {
  const titles = await store.db
    .selectFrom('articles')
    .select(['title'])
    .where('retired', '=', 0)
    .orderBy('id')
    .execute();
  const techs = await store.db
    .selectFrom('technologies')
    .select('slug')
    .orderBy('article_count', 'desc')
    .limit(40)
    .execute();
  const out: BenchQuery[] = [];
  const stride = Math.max(1, Math.floor(titles.length / n));
  for (let i = 0; out.length < n && i < titles.length * 2; i++) {
    const w = words(titles[(i * stride + (i % 7)) % titles.length].title);
    if (w.length === 0) continue;
    const k = out.length % 5;
    const pick = w.slice(0, 1 + (out.length % 3));
    if (k === 0 || k === 1) out.push({ text: pick.join(' '), words: pick });
    else if (k === 2 && w.length >= 2) out.push({ text: `"${w[0]} ${w[1]}"`, words: [w[0], w[1]] });
    else if (k === 3 && techs.length)
      out.push({ text: `${pick[0]} tech:${techs[out.length % techs.length].slug}`, words: [pick[0]] });
    else if (w.length >= 2)
      out.push({ text: `${w[0]} OR ${w[1]} -${w[w.length - 1] === w[0] ? 'zzzz' : 'zzzz'}`, words: [w[0]] });
    else out.push({ text: pick.join(' '), words: pick });
  }
  return out;
}

export async function runSearchBench(store: Store, queries: BenchQuery[]) {
  // Warm up both paths once.
  for (const q of queries.slice(0, 20)) {
    await search(store, q.text, { limit: 10 });
    await rawFtsQuery(store, q.words, 10);
  }
  const full: number[] = [];
  const rawTimes: number[] = [];
  for (const q of queries) {
    let t = performance.now();
    await search(store, q.text, { limit: 10 });
    full.push(performance.now() - t);
    t = performance.now();
    await rawFtsQuery(store, q.words, 10);
    rawTimes.push(performance.now() - t);
  }
  return {
    queries: queries.length,
    p50: percentile(full, 50),
    p99: percentile(full, 99),
    rawP50: percentile(rawTimes, 50),
    rawP99: percentile(rawTimes, 99),
    medianRatio: median(full) / Math.max(0.001, median(rawTimes)),
  };
}
