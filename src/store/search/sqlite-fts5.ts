/**
 * Search on SQLite: the FTS5 compiler and the FTS5 side of every search statement.
 *
 * The MATCH expression is built only from double-quoted strings this file writes (each a run
 * of letters and digits, quotes doubled anyway), `AND`, `OR`, `NOT`, parentheses and
 * `{title} :`; nothing the user typed reaches FTS5 unquoted, and the expression itself is a
 * bound value. FTS5's porter tokenizer does the stemming.
 */
import { sql } from 'kysely';
import { indexTokens, isTextTerm, type Query } from '../../query/index.ts';
import type { SearchDialect, Sql, SnippetRow } from './dialect.ts';
import { START, STOP } from './highlight.ts';

/** bm25 weights of the columns title, description, body: a title hit counts most. */
export const BM25_WEIGHTS = sql`10.0, 4.0, 1.0`;

/** `"windows 10"` for the word `Windows-10`: FTS5 treats a quoted string as a phrase. */
function fts5String(text: string): string {
  return `"${indexTokens(text).join(' ').replaceAll('"', '""')}"`;
}

/**
 * The MATCH expression for `q`, or null when FTS5 cannot express it: it holds a metadata
 * field, or a NOT with nothing positive beside it (FTS5's NOT needs a left operand).
 */
export function toFts5(q: Query): string | null {
  if (isTextTerm(q)) return q.kind === 'field' ? `{title} : ${fts5String(q.text)}` : fts5String(q.text);
  if (q.kind === 'or') {
    const parts = q.terms.map(toFts5);
    return parts.every((p) => p !== null) ? `(${parts.join(' OR ')})` : null;
  }
  if (q.kind !== 'and') return null;
  const positive = q.terms.filter((t) => t.kind !== 'not').map(toFts5);
  const negative = q.terms.flatMap((t) => (t.kind === 'not' ? [toFts5(t.term)] : []));
  if (positive.length === 0 || ![...positive, ...negative].every((p) => p !== null)) return null;
  const all = `(${positive.join(' AND ')})`;
  return negative.length === 0 ? all : `(${all} NOT (${negative.join(' OR ')}))`;
}

function hits(text: Query, where: Sql[], rows: boolean): (ranked: boolean) => Sql {
  const match = toFts5(text);
  const rank = (ranked: boolean) => (ranked ? sql`-bm25(article_fts, ${BM25_WEIGHTS})` : sql`0`);
  const all = (first: Sql) => sql.join([first, ...where], sql` AND `);
  if (rows) {
    return (ranked) => sql`SELECT a.id, ${rank(ranked)} AS score
      FROM article_fts JOIN articles a ON a.id = article_fts.rowid
      WHERE ${all(sql`article_fts MATCH ${match}`)}`;
  }
  // Materialized first, so that a filter never drives the loop and probes the MATCH per article.
  return (ranked) => sql`WITH fts AS MATERIALIZED (SELECT rowid AS id, ${rank(ranked)} AS score
      FROM article_fts WHERE article_fts MATCH ${match})
    SELECT a.id, a.score FROM fts a WHERE ${all(sql`1 = 1`)}`;
}

function inIds(column: Sql, ids: number[]): Sql {
  return sql`${column} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
}

export const sqliteFts5: SearchDialect = {
  expresses: (q) => toFts5(q) !== null,
  matches: (q) => sql`a.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ${toFts5(q)})`,
  hits,
  inIds,
  snippets(ids, text) {
    const match = text && toFts5(text);
    const snippet = match ? sql`snippet(article_fts, 2, ${START}, ${STOP}, '…', 24)` : sql`NULL`;
    const where = match ? sql`article_fts MATCH ${match} AND ` : sql``;
    return sql<SnippetRow>`SELECT rowid AS id, ${snippet} AS snippet, description, substr(body, 1, 1000) AS body
      FROM article_fts WHERE ${where}${inIds(sql`rowid`, ids)}`;
  },
};
