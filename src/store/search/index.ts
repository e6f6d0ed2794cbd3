/**
 * Search over the article archive with the query language (src/query), on SQLite FTS5 or
 * PostgreSQL tsquery. The store's database picks the dialect (`SearchDialect`) once; the
 * planner (plan.ts) and the pager (page.ts) are the same for both.
 */
import type { Kysely } from 'kysely';
import { format, kbJump, parse, type Query } from '../../query/index.ts';
import type { Dialect, Store } from '../db.ts';
import type { Database } from '../schema.ts';
import type { SearchDialect } from './dialect.ts';
import { knownTechnologies } from './filters.ts';
import { facets, page, pageSnippets, pageTechnologies } from './page.ts';
import { compile, split } from './plan.ts';
import { postgresTsquery } from './postgres-tsquery.ts';
import { sqliteFts5 } from './sqlite-fts5.ts';
import type { SearchOptions, SearchResponse } from './types.ts';

export type { SearchFacet, SearchOptions, SearchResponse, SearchResult } from './types.ts';

const DIALECTS: Record<Dialect, SearchDialect> = { sqlite: sqliteFts5, postgres: postgresTsquery };

/** The article a KB number names, a live one before a retired one. */
function jumpTarget(db: Kysely<Database>, kb: number | null) {
  if (kb === null) return null;
  return db
    .selectFrom('articles')
    .select(['id', 'kb'])
    .where('kb', '=', kb)
    .orderBy('retired')
    .orderBy('id')
    .executeTakeFirst();
}

async function run(
  db: Kysely<Database>,
  d: SearchDialect,
  q: Query,
  opts: SearchOptions,
): Promise<SearchResponse> {
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 20), 0), 500);
  const offset = Math.max(Math.trunc(opts.offset ?? 0), 0);
  const known = await knownTechnologies(db, split(q, d).filters);
  const c = compile(q, d, opts, known);
  const [found, counts, jump] = await Promise.all([
    page(db, c, opts, { limit, offset }),
    opts.facets ? facets(db, c) : [],
    jumpTarget(db, kbJump(q)),
  ]);
  const ids = found.rows.map((r) => r.id);
  const [snippets, technologies] = await Promise.all([
    pageSnippets(db, d, ids, c.text),
    pageTechnologies(db, d, ids),
  ]);
  const response: SearchResponse = {
    total: found.total,
    results: found.rows.map((r) => ({
      articleId: r.id,
      kb: r.kb,
      title: r.title,
      path: r.path,
      url: r.url,
      snippet: snippets.get(r.id) ?? '',
      technologies: technologies.get(r.id) ?? [],
      lastChanged: r.last_changed,
      retired: Number(r.retired) !== 0,
    })),
    facets: counts,
  };
  return jump ? { ...response, jump: { articleId: jump.id, kb: jump.kb! } } : response;
}

/**
 * Runs a query (text or tree; text that does not parse throws QueryError) and returns one
 * page of results with snippets, the total, the KB jump target and, when asked, technology facets.
 */
export async function search(
  store: Store,
  query: Query | string,
  opts: SearchOptions = {},
): Promise<SearchResponse> {
  const q = typeof query === 'string' ? parse(query) : query;
  try {
    return await run(store.db, DIALECTS[store.dialect], q, opts);
  } catch (err) {
    throw new Error(
      `search: query "${format(q)}" failed on ${store.dialect}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}
