/**
 * The search pager, shared by both databases: one page of a compiled plan and its total in
 * one statement, the technology facets over all results, and what the page shows besides the
 * article row (a highlighted snippet, the technology slugs), computed only for the page.
 */
import { sql, type Kysely } from 'kysely';
import type { Query } from '../../query/index.ts';
import type { Article, Database } from '../schema.ts';
import type { SearchDialect, Sql } from './dialect.ts';
import { highlight, lead } from './highlight.ts';
import type { Compiled } from './plan.ts';
import type { SearchFacet, SearchOptions } from './types.ts';

export type ArticleRow = Pick<Article, 'id' | 'kb' | 'title' | 'path' | 'url' | 'last_changed' | 'retired'>;
export type PageRow = { total: number | string } & { [K in keyof ArticleRow]: ArticleRow[K] | null };

const ARTICLE_COLUMNS = sql`a.id, a.kb, a.title, a.path, a.url, a.last_changed, a.retired`;

/**
 * One page and the total in one statement. Ranked: the matches are ranked from the index alone;
 * the article rows are read only for the matches that can reach the page (scores at least the
 * page's last one, ties included, so the date tie-break stays exact).
 */
function pageQuery(c: Compiled, opts: SearchOptions, limit: number, offset: number): Sql {
  const byDate = opts.sort === 'date';
  if ('hits' in c) {
    const cut = byDate
      ? sql`1 = 1`
      : sql`h.score >= (SELECT min(score) FROM (SELECT score FROM hits ORDER BY score DESC LIMIT ${limit + offset}) top)`;
    const order = byDate
      ? sql`a.last_changed DESC, a.id DESC`
      : sql`h.score DESC, a.last_changed DESC, a.id DESC`;
    const outer = byDate
      ? sql`p.last_changed DESC, p.id DESC`
      : sql`p.score DESC, p.last_changed DESC, p.id DESC`;
    return sql`WITH hits AS MATERIALIZED (${c.hits(!byDate)}),
      page AS (SELECT ${ARTICLE_COLUMNS}, h.score FROM hits h JOIN articles a ON a.id = h.id
        WHERE ${cut} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset})
      SELECT n.total, p.id, p.kb, p.title, p.path, p.url, p.last_changed, p.retired
      FROM (SELECT COUNT(*) AS total FROM hits) n LEFT JOIN page p ON 1 = 1 ORDER BY ${outer}`;
  }
  const order = byDate
    ? sql`a.last_changed DESC, a.id DESC`
    : sql`score DESC, a.last_changed DESC, a.id DESC`;
  return sql`SELECT n.total, p.id, p.kb, p.title, p.path, p.url, p.last_changed, p.retired
    FROM (SELECT COUNT(*) AS total ${c.matching}) n
    LEFT JOIN (SELECT ${ARTICLE_COLUMNS}, ${c.score} AS score ${c.matching} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}) p ON 1 = 1
    ORDER BY ${byDate ? sql`p.last_changed DESC, p.id DESC` : sql`p.score DESC, p.last_changed DESC, p.id DESC`}`;
}

/** The page's article rows, best first, and the total number of results. */
export async function page(
  db: Kysely<Database>,
  c: Compiled,
  opts: SearchOptions,
  window: { limit: number; offset: number },
): Promise<{ total: number; rows: ArticleRow[] }> {
  const { rows } = await sql<PageRow>`${pageQuery(c, opts, window.limit, window.offset)}`.execute(db);
  return {
    total: Number(rows[0]?.total ?? 0),
    rows: rows.filter((r): r is PageRow & ArticleRow => r.id !== null),
  };
}

/** Result counts per technology over all results, the 20 largest. */
export async function facets(db: Kysely<Database>, c: Compiled): Promise<SearchFacet[]> {
  const ids =
    'hits' in c
      ? sql`WITH hits AS MATERIALIZED (${c.hits(false)}) SELECT id FROM hits`
      : sql`SELECT a.id ${c.matching}`;
  const { rows } = await sql<SearchFacet>`SELECT t.slug, t.name, n.count
    FROM (SELECT at.technology_id, COUNT(*) AS count FROM article_technologies at
      WHERE at.article_id IN (${ids}) GROUP BY at.technology_id) n
    JOIN technologies t ON t.id = n.technology_id ORDER BY n.count DESC, t.name LIMIT 20`.execute(db);
  return rows.map((f) => ({ slug: f.slug, name: f.name, count: Number(f.count) }));
}

/**
 * Snippets per article id: the hits of `text` (the ranked full-text part of the query) in
 * context, or the start of the description (else the body) when there are none.
 */
export async function pageSnippets(
  db: Kysely<Database>,
  d: SearchDialect,
  ids: number[],
  text: Query | null,
): Promise<Map<number, string>> {
  const snippets = new Map<number, string>();
  if (ids.length === 0) return snippets;
  for (const row of (await d.snippets(ids, text).execute(db)).rows) {
    const hit = row.snippet?.trim() ? highlight(row.snippet) : '';
    snippets.set(row.id, hit || lead(row.description || row.body));
  }
  return snippets;
}

/** Technology slugs per article id, alphabetical. */
export async function pageTechnologies(
  db: Kysely<Database>,
  d: SearchDialect,
  ids: number[],
): Promise<Map<number, string[]>> {
  const byArticle = new Map<number, string[]>();
  if (ids.length === 0) return byArticle;
  const { rows } = await sql<{ id: number; slug: string }>`SELECT at.article_id AS id, t.slug
    FROM article_technologies at JOIN technologies t ON t.id = at.technology_id
    WHERE ${d.inIds(sql`at.article_id`, ids)} ORDER BY t.slug`.execute(db);
  for (const row of rows) {
    const list = byArticle.get(row.id) ?? [];
    list.push(row.slug);
    byArticle.set(row.id, list);
  }
  return byArticle;
}
