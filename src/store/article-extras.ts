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
import { search } from './search/index.ts';

export function sourceOf(
  db: Kysely<Database>,
  sourceId: number,
): Promise<Pick<Source, 'id' | 'name' | 'kind' | 'location'> | undefined> {
  return db
    .selectFrom('sources')
    .select(['id', 'name', 'kind', 'location'])
    .where('id', '=', sourceId)
    .executeTakeFirst();
}

/**
 * The version of the archive: the newest change and the newest revision (a scan may add a
 * revision without a change, such as the classic text of a modern article). Pages built from
 * the archive are cached under it; any scan that writes something moves it.
 */
export async function dataVersion(db: Kysely<Database>): Promise<string> {
  const row = await db
    .selectNoFrom((eb) => [
      eb
        .selectFrom('changes')
        .select((c) => c.fn.max('id').as('c'))
        .as('c'),
      eb
        .selectFrom('revisions')
        .select((r) => r.fn.max('id').as('r'))
        .as('r'),
    ])
    .executeTakeFirst();
  return `${Number(row?.c ?? 0)}.${Number(row?.r ?? 0)}`;
}

/** What an article page's ETag and cache key are made of: no body, so a cached page costs one small query. */
export interface ArticleHead {
  id: number;
  kb: number | null;
  path: string;
  revision: string;
  meta_hash: string;
  content_hash: string;
  retired: number;
  /** Approved feedback: count and newest id. */
  feedback: string;
  /** The archive's version (see dataVersion). */
  version: string;
}

/** An article's head by KB number (a live article before a retired one) or by id. */
export async function articleHead(
  db: Kysely<Database>,
  by: { kb: number } | { id: number },
): Promise<ArticleHead | undefined> {
  const approved = (eb: any) =>
    eb.selectFrom('feedback as f').whereRef('f.article_id', '=', 'a.id').where('f.status', '=', 'approved');
  let q = db
    .selectFrom('articles as a')
    .select(['a.id', 'a.kb', 'a.path', 'a.revision', 'a.meta_hash', 'a.content_hash', 'a.retired'])
    .select((eb) => [
      approved(eb)
        .select((f: any) => f.fn.countAll().as('n'))
        .as('feedback_count'),
      approved(eb)
        .select((f: any) => f.fn.max('f.id').as('m'))
        .as('feedback_last'),
      eb
        .selectFrom('changes')
        .select((c) => c.fn.max('id').as('c'))
        .as('change_max'),
      eb
        .selectFrom('revisions')
        .select((r) => r.fn.max('id').as('r'))
        .as('revision_max'),
    ]);
  q =
    'kb' in by
      ? q.where('a.kb', '=', by.kb).orderBy('a.retired').orderBy('a.id')
      : q.where('a.id', '=', by.id);
  const row = await q.limit(1).executeTakeFirst();
  if (!row) return undefined;
  const { feedback_count, feedback_last, change_max, revision_max, ...head } = row;
  return {
    ...head,
    feedback: `${Number(feedback_count ?? 0)}.${Number(feedback_last ?? 0)}`,
    version: `${Number(change_max ?? 0)}.${Number(revision_max ?? 0)}`,
  };
}

export interface Mention {
  articleId: number;
  kb: number | null;
  path: string;
  title: string;
}

function mentionQuery(a: { kb: number | null; title: string }): Query | null {
  if (a.kb) {
    return {
      kind: 'or',
      terms: [`KB${a.kb}`, `Q${a.kb}`, String(a.kb)].map((text) => ({ kind: 'word', text })),
    };
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
export async function mentionsOf(
  store: Store,
  a: { id: number; kb: number | null; title: string },
  version: string,
  limit = 10,
): Promise<Mention[]> {
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
      found = res.results
        .filter((r) => r.articleId !== a.id)
        .slice(0, limit)
        .map((r) => ({ articleId: r.articleId, kb: r.kb, path: r.path, title: r.title }));
    } catch (err) {
      throw new Error(
        `store: unable to find the articles mentioning article ${a.id}: ${err instanceof Error ? err.message : String(err)}`,
        { cause: err },
      );
    }
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(key, found);
  return found;
}

/** The newest revision of the article from the source it shows (what the page shows now). */
export async function currentRevisionId(
  db: Kysely<Database>,
  a: { id: number; source_id: number },
): Promise<number | null> {
  const row = await db
    .selectFrom('revisions')
    .select('id')
    .where('article_id', '=', a.id)
    .where('source_id', '=', a.source_id)
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row?.id ?? null;
}
