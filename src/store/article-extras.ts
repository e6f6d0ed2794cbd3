/**
 * What an article page shows besides the article row: its source, the archive's version (part
 * of the page's ETag and cache key: any scan may change the page's links), and "Mentioned in": other
 * articles whose text names this one (`KB307175`, `Q307175`, the bare number, or for articles
 * without a number their title as a phrase), found through the full-text index.
 */
import type { Kysely } from 'kysely';
import type { Query } from '../query/index.ts';
import type { Store } from './db.ts';
import type { Database, Source } from './schema.ts';
import { search } from './search.ts';

export function sourceOf(db: Kysely<Database>, sourceId: number): Promise<Pick<Source, 'id' | 'name' | 'kind' | 'location'> | undefined> {
  return db.selectFrom('sources').select(['id', 'name', 'kind', 'location']).where('id', '=', sourceId).executeTakeFirst();
}

/**
 * The version of the archive: the newest change and the newest revision (a scan may add a
 * revision without a change, such as the classic text of a modern article). Pages built from
 * the archive are cached under it; any scan that writes something moves it.
 */
export async function dataVersion(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectNoFrom((eb) => [eb.selectFrom('changes').select((c) => c.fn.max('id').as('c')).as('c'), eb.selectFrom('revisions').select((r) => r.fn.max('id').as('r')).as('r')])
    .executeTakeFirst();
  return `${Number(row?.c ?? 0)}.${Number(row?.r ?? 0)}`;
}

/**
 * What an article page's ETag and cache key need besides the article row, in one query: the
 * approved feedback (count and newest id) and the archive's version (see dataVersion).
 */
export async function articlePageStamp(db: Kysely<Database>, articleId: number): Promise<{ feedback: string; version: string }> {
  const approved = (eb: any) => eb.selectFrom('feedback').where('article_id', '=', articleId).where('status', '=', 'approved');
  const row = await db
    .selectNoFrom((eb) => [
      approved(eb).select((f: any) => f.fn.countAll().as('n')).as('n'),
      approved(eb).select((f: any) => f.fn.max('id').as('m')).as('last'),
      eb.selectFrom('changes').select((c) => c.fn.max('id').as('c')).as('c'),
      eb.selectFrom('revisions').select((r) => r.fn.max('id').as('r')).as('r'),
    ])
    .executeTakeFirst();
  return { feedback: `${Number(row?.n ?? 0)}.${Number(row?.last ?? 0)}`, version: `${Number(row?.c ?? 0)}.${Number(row?.r ?? 0)}` };
}

export interface Mention {
  articleId: number;
  kb: number | null;
  path: string;
  title: string;
}

function mentionQuery(a: { kb: number | null; title: string }): Query | null {
  if (a.kb) {
    return { kind: 'or', terms: [`KB${a.kb}`, `Q${a.kb}`, String(a.kb)].map((text) => ({ kind: 'word', text })) };
  }
  const words = a.title.split(/\s+/).filter((w) => /[\p{L}\p{N}]/u.test(w));
  // Short titles ("Overview") name too many things to count as a mention.
  return words.length >= 4 ? { kind: 'phrase', text: words.join(' ').replace(/"/g, ' ') } : null;
}

/** Per store: a process may hold several (tests do). */
const caches = new WeakMap<Store, Map<string, Mention[]>>();
const CACHE_SIZE = 2000;

/**
 * Articles mentioning this one, best matches first. `version` (dataVersion) keys a
 * small in-process cache: the answer changes only when a scan changes articles.
 */
export async function mentionsOf(store: Store, a: { id: number; kb: number | null; title: string }, version: string, limit = 10): Promise<Mention[]> {
  let cache = caches.get(store);
  if (!cache) caches.set(store, (cache = new Map()));
  const key = `${a.id}:${version}`;
  const cached = cache.get(key);
  if (cached) return cached;
  const query = mentionQuery(a);
  let found: Mention[] = [];
  if (query) {
    try {
      const res = await search(store, query, { limit: limit + 1 });
      found = res.results.filter((r) => r.articleId !== a.id).slice(0, limit).map((r) => ({ articleId: r.articleId, kb: r.kb, path: r.path, title: r.title }));
    } catch (err) {
      throw new Error(`store: unable to find the articles mentioning article ${a.id}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, found);
  return found;
}

/** The newest revision of the article from the source it shows (what the page shows now). */
export async function currentRevisionId(db: Kysely<Database>, a: { id: number; source_id: number }): Promise<number | null> {
  const row = await db.selectFrom('revisions').select('id').where('article_id', '=', a.id).where('source_id', '=', a.source_id).orderBy('id', 'desc').limit(1).executeTakeFirst();
  return row?.id ?? null;
}
