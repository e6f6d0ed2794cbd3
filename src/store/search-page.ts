/**
 * What one page of search results shows besides the article row: a highlighted snippet and the
 * technology slugs. Computed only for the page's articles, never for the whole result set.
 */
import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { Dialect } from './dialect.ts';
import type { Database } from './schema.ts';

type Sql = RawBuilder<unknown>;

/** Marks the database puts around hits; turned into `<mark>` after escaping. */
const START = '\u0002';
const STOP = '\u0003';
const HEADLINE_OPTIONS = `StartSel=${START},StopSel=${STOP},MaxFragments=1,MaxWords=30,MinWords=12`;
const LEAD_WORDS = 30;
/** ts_headline parses all the text it is given: the start of long bodies is enough for a snippet. */
const HEADLINE_CHARS = 20_000;

/** `column IN (ids)` with the ids as one bound value, however many there are. */
export function inIds(column: Sql, ids: number[], dialect: Dialect): Sql {
  return dialect === 'sqlite'
    ? sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`
    : sql`${column} = ANY(${ids}::int[])`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Snippet text from the database as HTML: everything escaped, hit marks as balanced
 * `<mark>…</mark>` (stray marks in the article text itself cannot open or close one twice).
 */
export function highlight(raw: string): string {
  let open = false;
  const html = escapeHtml(raw.replace(/\s+/g, ' ').trim()).replace(/[\u0002\u0003]/g, (m) => {
    if ((m === START) === open) return '';
    open = !open;
    return open ? '<mark>' : '</mark>';
  });
  return open ? `${html}</mark>` : html;
}

/** The first words of a text, escaped, for results without full-text hits. */
function lead(text: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const cut = words.slice(0, LEAD_WORDS).join(' ');
  return highlight(words.length > LEAD_WORDS ? `${cut} …` : cut);
}

/**
 * Snippets per article id. `match` is the ranked full-text part of the query (an FTS5 MATCH
 * expression on SQLite, a tsquery on PostgreSQL), or null to show the description.
 */
export async function pageSnippets(
  db: Kysely<Database>,
  dialect: Dialect,
  ids: number[],
  match: Sql | null,
): Promise<Map<number, string>> {
  const snippets = new Map<number, string>();
  if (ids.length === 0) return snippets;
  type Row = { id: number; snippet: string | null; description: string; body: string };
  let query;
  if (dialect === 'sqlite') {
    const snippet = match ? sql`snippet(article_fts, 2, ${START}, ${STOP}, '…', 24)` : sql`NULL`;
    const where = match ? sql`article_fts MATCH ${match} AND ` : sql``;
    query = sql<Row>`SELECT rowid AS id, ${snippet} AS snippet, description, substr(body, 1, 1000) AS body
      FROM article_fts WHERE ${where}${inIds(sql`rowid`, ids, dialect)}`;
  } else {
    const snippet = match
      ? sql`ts_headline('english', left(body, ${HEADLINE_CHARS}), ${match}, ${HEADLINE_OPTIONS})`
      : sql`NULL`;
    query = sql<Row>`SELECT article_id AS id, ${snippet} AS snippet, description, left(body, 1000) AS body
      FROM article_fts WHERE ${inIds(sql`article_id`, ids, dialect)}`;
  }
  for (const row of (await query.execute(db)).rows) {
    const hit = row.snippet?.trim() ? highlight(row.snippet) : '';
    snippets.set(row.id, hit || lead(row.description || row.body));
  }
  return snippets;
}

/** Technology slugs per article id, alphabetical. */
export async function pageTechnologies(
  db: Kysely<Database>,
  dialect: Dialect,
  ids: number[],
): Promise<Map<number, string[]>> {
  const byArticle = new Map<number, string[]>();
  if (ids.length === 0) return byArticle;
  const { rows } = await sql<{
    id: number;
    slug: string;
  }>`SELECT at.article_id AS id, t.slug FROM article_technologies at
    JOIN technologies t ON t.id = at.technology_id WHERE ${inIds(sql`at.article_id`, ids, dialect)} ORDER BY t.slug`.execute(
    db,
  );
  for (const row of rows) {
    const list = byArticle.get(row.id) ?? [];
    list.push(row.slug);
    byArticle.set(row.id, list);
  }
  return byArticle;
}
