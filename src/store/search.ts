/**
 * Search over the article archive with the query language (src/query), on SQLite FTS5 or
 * PostgreSQL tsquery. The syntax tree is compiled, never the text: full-text terms become FTS5
 * strings this module quotes itself or bound `phraseto_tsquery` arguments, metadata fields
 * become SQL predicates with bound values, so no user text reaches MATCH or SQL raw.
 *
 * Plan of a query: the top-level AND terms that are pure full text form one MATCH / `@@`
 * that also ranks (title over description over body); everything else (metadata fields, ORs
 * mixing text and fields, a query of only exclusions) filters the articles row by row.
 */
import { writeSearchRows } from './articles.ts';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { dateRange, format, indexTokens, isTextTerm, kbJump, leaves, parse, toFts5 } from '../query/index.ts';
import type { DateNode, FieldNode, Query } from '../query/index.ts';
import type { Store } from './db.ts';
import { dialectOf, type Dialect } from './dialect.ts';
import type { Article, Database } from './schema.ts';
import { inIds, pageSnippets, pageTechnologies } from './search-page.ts';

type Sql = RawBuilder<unknown>;

export interface SearchOptions {
  limit?: number;
  offset?: number;
  /** `relevance` (the default) ranks text matches; queries without words sort by date anyway. */
  sort?: 'relevance' | 'date';
  /** Only articles of this technology (slug), as when a facet is clicked. */
  technology?: string;
  /** Only these articles (a day's changes, say). */
  onlyArticleIds?: number[];
  /** Retired articles are left out unless asked for. */
  includeRetired?: boolean;
  /** Count results per technology (`facets`); they cost a pass over every match, so only on request. */
  facets?: boolean;
}

export interface SearchResult {
  articleId: number;
  kb: number | null;
  title: string;
  path: string;
  url: string | null;
  /** HTML: the text escaped, the hits in `<mark>…</mark>`. */
  snippet: string;
  /** Technology slugs. */
  technologies: string[];
  lastChanged: string;
  retired: boolean;
}

export interface SearchFacet {
  slug: string;
  name: string;
  count: number;
}

export interface SearchResponse {
  total: number;
  results: SearchResult[];
  /** Result counts per technology over all results, the 20 largest; empty unless asked for. */
  facets: SearchFacet[];
  /** The article a KB-number query (`KB307175`, `Q307175`, `kb:307175`, `307175`) names, if it exists. */
  jump?: { articleId: number; kb: number };
}

/** PostgreSQL: a phrase as tsquery, both as PostgreSQL parses it (`v1.2.3`) and word by word (`windows 10`). */
function phraseQuery(text: string): Sql {
  const words = indexTokens(text).join(' ');
  const byWord = sql`phraseto_tsquery('english', ${words})`;
  return words.toLowerCase() === text.toLowerCase()
    ? byWord
    : sql`(phraseto_tsquery('english', ${text}) || ${byWord})`;
}

/** PostgreSQL: restricts every lexeme of a tsquery we built to weight A (the title). */
function titleOnly(q: Sql): Sql {
  return sql`(regexp_replace((${q})::text, '''(?=[[:space:])]|$)', ''':A', 'g'))::tsquery`;
}

/** PostgreSQL: the tsquery of a full-text-only tree. */
function tsquery(q: Query): Sql {
  switch (q.kind) {
    case 'word':
    case 'phrase':
      return phraseQuery(q.text);
    case 'field':
      return titleOnly(phraseQuery(q.text));
    case 'not':
      return sql`(!! ${tsquery(q.term)})`;
    case 'and':
      return sql`(${sql.join(q.terms.map(tsquery), sql` && `)})`;
    case 'or':
      return sql`(${sql.join(q.terms.map(tsquery), sql` || `)})`;
    default:
      throw new Error(`search: "${format(q)}" is not a full-text term`);
  }
}

/** Whether one MATCH (SQLite) or one tsquery (PostgreSQL) can express `q`. */
function isFullText(q: Query, dialect: Dialect): boolean {
  return dialect === 'sqlite' ? toFts5(q) !== null : leaves(q).every(isTextTerm);
}

function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, '!$&');
}

const TECHNOLOGY_KIND = {
  product: sql`t.kind = 'product'`,
  keyword: sql`t.kind = 'keyword'`,
  tech: sql`1 = 1`,
};
const TECHNOLOGY_LISTS = {
  product: ['products'],
  keyword: ['keywords'],
  tech: ['products', 'areas', 'keywords'],
};

type TechnologyField = 'product' | 'keyword' | 'tech';

/** The technology ids a `product:` `keyword:` `tech:` value names, by `field:value`; looked up before compiling. */
type KnownTechnologies = Map<string, number[]>;

function isTechnologyField(field: string): field is TechnologyField {
  return field === 'product' || field === 'keyword' || field === 'tech';
}

function technologyKey(q: FieldNode): string {
  return `${q.field}:${q.text.toLowerCase()}`;
}

function knownTechnologySql(field: TechnologyField, value: string): Sql {
  return sql`SELECT t.id FROM technologies t WHERE ${TECHNOLOGY_KIND[field]}
    AND (t.slug = ${value} OR t.id IN (SELECT technology_id FROM technology_aliases WHERE alias = ${value}))`;
}

/** The same ids as knownTechnologySql, each branch by its own index. */
function knownTechnologyLookup(field: TechnologyField, value: string): Sql {
  return sql`SELECT t.id FROM technologies t WHERE ${TECHNOLOGY_KIND[field]} AND t.slug = ${value}
    UNION SELECT t.id FROM technology_aliases al JOIN technologies t ON t.id = al.technology_id
    WHERE ${TECHNOLOGY_KIND[field]} AND al.alias = ${value}`;
}

async function knownTechnologies(db: Kysely<Database>, filters: Query[]): Promise<KnownTechnologies> {
  const known: KnownTechnologies = new Map();
  const fields = filters
    .flatMap(leaves)
    .filter((l): l is FieldNode => l.kind === 'field' && isTechnologyField(l.field));
  await Promise.all(
    fields.map(async (f) => {
      const key = technologyKey(f);
      if (known.has(key)) return;
      known.set(key, []);
      const { rows } = await sql<{
        id: number;
      }>`${knownTechnologyLookup(f.field as TechnologyField, f.text.toLowerCase())}`.execute(db);
      known.set(
        key,
        rows.map((r) => r.id),
      );
    }),
  );
  return known;
}

/** `product:` `keyword:` `tech:` by slug or alias; values that are no known alias fall back to the raw lists. */
function technologyPredicate(field: TechnologyField, value: string, ids: number[] | undefined): Sql {
  const pattern = `%${escapeLike(value)}%`;
  const lists = sql.join(
    TECHNOLOGY_LISTS[field].map((column) => sql`lower(${sql.ref(`a.${column}`)}) LIKE ${pattern} ESCAPE '!'`),
    sql` OR `,
  );
  if (ids !== undefined) {
    return ids.length > 0
      ? sql`a.id IN (SELECT at.article_id FROM article_technologies at WHERE at.technology_id IN (${sql.join(ids)}))`
      : sql`(${lists})`;
  }
  const known = knownTechnologySql(field, value);
  return sql`(a.id IN (SELECT at.article_id FROM article_technologies at WHERE at.technology_id IN (${known}))
    OR (NOT EXISTS (${known}) AND (${lists})))`;
}

/** Whether a filter reads article columns other than the id (a known technology needs only the id). */
function needsRow(q: Query, dialect: Dialect, known: KnownTechnologies): boolean {
  if (isFullText(q, dialect)) return false;
  switch (q.kind) {
    case 'not':
      return needsRow(q.term, dialect, known);
    case 'and':
    case 'or':
      return q.terms.some((t) => needsRow(t, dialect, known));
    case 'field':
      return !(isTechnologyField(q.field) && (known.get(technologyKey(q))?.length ?? 0) > 0);
    default:
      return true;
  }
}

function fieldPredicate(q: FieldNode, known: KnownTechnologies): Sql {
  const value = q.text.toLowerCase();
  switch (q.field) {
    case 'kb':
      return sql`(a.kb IS NOT NULL AND a.kb = ${Number(q.text)})`;
    case 'source':
      return sql`a.source_id IN (SELECT id FROM sources WHERE lower(name) = ${value})`;
    case 'title':
      throw new Error('search: title: is full text');
    default:
      return technologyPredicate(q.field, value, known.get(technologyKey(q)));
  }
}

function datePredicate(q: DateNode): Sql {
  const column = sql.ref(q.field === 'updated' ? 'a.last_changed' : 'a.last_reviewed');
  const { from, before } = dateRange(q.op, q.date);
  const parts = [sql`${column} IS NOT NULL`];
  if (from !== undefined) parts.push(sql`${column} >= ${from}`);
  if (before !== undefined) parts.push(sql`${column} < ${before}`);
  return sql`(${sql.join(parts, sql` AND `)})`;
}

/**
 * Any tree as a boolean SQL expression over `articles a`.
 * Every predicate is true or false, never NULL, so that NOT keeps meaning "does not match".
 */
function predicate(q: Query, dialect: Dialect, known: KnownTechnologies = new Map()): Sql {
  if (isFullText(q, dialect)) {
    // A subquery the index answers once, rather than `@@` on every row's tsvector.
    return dialect === 'sqlite'
      ? sql`a.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ${toFts5(q)})`
      : sql`a.id IN (SELECT article_id FROM article_fts WHERE tsv @@ ${tsquery(q)})`;
  }
  switch (q.kind) {
    case 'not':
      return sql`NOT (${predicate(q.term, dialect, known)})`;
    case 'and':
    case 'or':
      return sql`(${sql.join(
        q.terms.map((t) => predicate(t, dialect, known)),
        q.kind === 'and' ? sql` AND ` : sql` OR `,
      )})`;
    case 'date':
      return datePredicate(q);
    case 'field':
      return fieldPredicate(q, known);
    default:
      throw new Error(`search: cannot compile "${format(q)}"`);
  }
}

interface Compiled {
  /**
   * With ranked full text: `SELECT id, score` of every matching article, the full-text index
   * answering first and the article rows read only when a filter needs them.
   */
  hits: ((ranked: boolean) => Sql) | null;
  /** Without full text: FROM … WHERE … selecting the matching articles as `a`. */
  matching: Sql;
  /** Without full text: higher is better. */
  score: Sql;
  /** The ranked full-text part, for snippets; null when the query has no positive words. */
  text: Query | null;
}

/** Splits the top-level AND into the ranked full-text part and row filters. */
function plan(q: Query, dialect: Dialect): { text: Query | null; filters: Query[] } {
  const terms = q.kind === 'and' ? q.terms : [q];
  const positive = terms.filter((t) => t.kind !== 'not' && isFullText(t, dialect));
  if (positive.length === 0) return { text: null, filters: terms };
  const negative = terms.filter((t) => t.kind === 'not' && isFullText(t.term, dialect));
  const text = [...positive, ...negative];
  return {
    text: text.length === 1 ? text[0] : { kind: 'and', terms: text },
    filters: terms.filter((t) => !text.includes(t)),
  };
}

/** The parts of a query: which articles (jump, ranked text, filters). */
function split(q: Query, dialect: Dialect): { jump: number | null; text: Query | null; filters: Query[] } {
  // `KB307175` alone finds the article as well as the text; the article comes first.
  const jump = q.kind === 'word' ? kbJump(q) : null;
  return { jump, ...(jump === null ? plan(q, dialect) : { text: null, filters: [] }) };
}

function compile(q: Query, dialect: Dialect, opts: SearchOptions, known: KnownTechnologies): Compiled {
  const { jump, text, filters } = split(q, dialect);
  const where = filters.map((f) => predicate(f, dialect, known));
  if (jump !== null) where.push(sql`(${predicate(q, dialect)} OR a.kb = ${jump})`);
  if (opts.technology !== undefined) {
    where.push(sql`a.id IN (SELECT at.article_id FROM article_technologies at
      JOIN technologies t ON t.id = at.technology_id WHERE t.slug = ${opts.technology.toLowerCase()})`);
  }
  if (opts.onlyArticleIds) where.push(inIds(sql`a.id`, opts.onlyArticleIds, dialect));

  if (text) {
    const rowNeeded = filters.some((f) => needsRow(f, dialect, known));
    // The retired ids come from their own small index unless the article rows are read anyway.
    const live = opts.includeRetired
      ? []
      : [rowNeeded ? sql`a.retired = 0` : sql`a.id NOT IN (SELECT id FROM articles WHERE retired = 1)`];
    const conditions = (first: Sql[]) => sql.join([...first, ...where, ...live], sql` AND `);
    let hits: (ranked: boolean) => Sql;
    if (dialect === 'sqlite') {
      const match = toFts5(text);
      const rank = (ranked: boolean) => (ranked ? sql`-bm25(article_fts, 10.0, 4.0, 1.0)` : sql`0`);
      hits = rowNeeded
        ? (
            ranked,
          ) => sql`SELECT a.id, ${rank(ranked)} AS score FROM article_fts JOIN articles a ON a.id = article_fts.rowid
            WHERE ${conditions([sql`article_fts MATCH ${match}`])}`
        : // Materialized first, so that a filter never drives the loop and probes the MATCH per article.
          (
            ranked,
          ) => sql`WITH fts AS MATERIALIZED (SELECT rowid AS id, ${rank(ranked)} AS score FROM article_fts
            WHERE article_fts MATCH ${match}) SELECT a.id, a.score FROM fts a WHERE ${conditions([sql`1 = 1`])}`;
    } else {
      const tq = tsquery(text);
      const rank = (ranked: boolean) =>
        ranked ? sql`ts_rank('{0.1, 0.2, 0.4, 1.0}', f.tsv, ${tq})` : sql`0`;
      hits = rowNeeded
        ? (
            ranked,
          ) => sql`SELECT a.id, ${rank(ranked)} AS score FROM article_fts f JOIN articles a ON a.id = f.article_id
            WHERE ${conditions([sql`f.tsv @@ ${tq}`])}`
        : (
            ranked,
          ) => sql`SELECT a.id, a.score FROM (SELECT f.article_id AS id, ${rank(ranked)} AS score FROM article_fts f
            WHERE f.tsv @@ ${tq}) a WHERE ${conditions([sql`1 = 1`])}`;
    }
    return { hits, matching: sql``, score: sql`0`, text };
  }

  if (!opts.includeRetired) where.push(sql`a.retired = 0`);
  const score = jump === null ? sql`0` : sql`CASE WHEN a.kb = ${jump} THEN 1 ELSE 0 END`;
  const condition = where.length > 0 ? sql.join(where, sql` AND `) : sql`1 = 1`;
  return { hits: null, matching: sql`FROM articles a WHERE ${condition}`, score, text };
}

type ArticleRow = Pick<Article, 'id' | 'kb' | 'title' | 'path' | 'url' | 'last_changed' | 'retired'>;
type PageRow = { total: number | string } & { [K in keyof ArticleRow]: ArticleRow[K] | null };

const ARTICLE_COLUMNS = sql`a.id, a.kb, a.title, a.path, a.url, a.last_changed, a.retired`;

/**
 * One page and the total in one statement. Ranked: the matches are ranked from the index alone;
 * the article rows are read only for the matches that can reach the page (scores at least the
 * page's last one, ties included, so the date tie-break stays exact).
 */
function pageQuery(c: Compiled, opts: SearchOptions, limit: number, offset: number): Sql {
  const byDate = opts.sort === 'date';
  if (c.hits) {
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

function facetQuery(c: Compiled): Sql {
  const ids = c.hits
    ? sql`WITH hits AS MATERIALIZED (${c.hits(false)}) SELECT id FROM hits`
    : sql`SELECT a.id ${c.matching}`;
  return sql`SELECT t.slug, t.name, n.count FROM (SELECT at.technology_id, COUNT(*) AS count FROM article_technologies at
      WHERE at.article_id IN (${ids}) GROUP BY at.technology_id) n
    JOIN technologies t ON t.id = n.technology_id ORDER BY n.count DESC, t.name LIMIT 20`;
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
  const { db, dialect } = store;
  const limit = Math.min(Math.max(Math.trunc(opts.limit ?? 20), 0), 500);
  const offset = Math.max(Math.trunc(opts.offset ?? 0), 0);
  const kb = kbJump(q);
  try {
    const known = await knownTechnologies(db, split(q, dialect).filters);
    const c = compile(q, dialect, opts, known);
    const [page, facets, jump] = await Promise.all([
      sql<PageRow>`${pageQuery(c, opts, limit, offset)}`.execute(db),
      opts.facets ? sql<SearchFacet>`${facetQuery(c)}`.execute(db) : null,
      kb === null
        ? null
        : db
            .selectFrom('articles')
            .select(['id', 'kb'])
            .where('kb', '=', kb)
            .orderBy('retired')
            .orderBy('id')
            .executeTakeFirst(),
    ]);
    const rows = page.rows.filter((r): r is PageRow & ArticleRow => r.id !== null);
    const ids = rows.map((r) => r.id);
    const [snippets, technologies] = await Promise.all([
      pageSnippets(
        db,
        dialect,
        ids,
        c.text && (dialect === 'sqlite' ? sql`${toFts5(c.text)}` : tsquery(c.text)),
      ),
      pageTechnologies(db, dialect, ids),
    ]);
    return {
      total: Number(page.rows[0]?.total ?? 0),
      results: rows.map((r) => ({
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
      facets: (facets?.rows ?? []).map((f) => ({ slug: f.slug, name: f.name, count: Number(f.count) })),
      ...(jump ? { jump: { articleId: jump.id, kb: jump.kb! } } : {}),
    };
  } catch (err) {
    throw new Error(
      `search: query "${format(q)}" failed on ${dialect}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

/** Writes an article's searchable text; call inside the transaction that stores the article. */
export async function searchIndexUpsert(
  db: Kysely<Database>,
  articleId: number,
  doc: { title: string; description: string; body: string },
): Promise<void> {
  await writeSearchRows(db, [{ articleId, ...doc }]);
}

/** Removes an article from the search index. */
export async function searchIndexDelete(db: Kysely<Database>, articleId: number): Promise<void> {
  const column = dialectOf(db) === 'sqlite' ? sql`rowid` : sql`article_id`;
  await sql`DELETE FROM article_fts WHERE ${column} = ${articleId}`.execute(db);
}

/**
 * The plain full-text baseline for benchmarks: all words required, ranked, no joins, filters
 * or snippets. Returns article ids, best first.
 */
export async function rawFtsQuery(store: Store, words: string[], limit = 20): Promise<number[]> {
  const pieces = words.flatMap(indexTokens);
  if (pieces.length === 0) return [];
  const query =
    store.dialect === 'sqlite'
      ? sql<{
          id: number;
        }>`SELECT rowid AS id FROM article_fts WHERE article_fts MATCH ${pieces.map((p) => `"${p}"`).join(' AND ')}
          ORDER BY bm25(article_fts, 10.0, 4.0, 1.0) LIMIT ${limit}`
      : sql<{
          id: number;
        }>`SELECT article_id AS id FROM article_fts WHERE tsv @@ plainto_tsquery('english', ${pieces.join(' ')})
          ORDER BY ts_rank('{0.1, 0.2, 0.4, 1.0}', tsv, plainto_tsquery('english', ${pieces.join(' ')})) DESC LIMIT ${limit}`;
  const { rows } = await query.execute(store.db);
  return rows.map((r) => r.id);
}
