/**
 * Search on PostgreSQL: the tsquery compiler and the tsquery side of every search statement.
 *
 * Words and phrases become `phraseto_tsquery` calls with the text as a bound value, combined
 * with `&&`, `||` and `!!`; nothing the user typed is parsed as tsquery syntax. The index
 * weighs the title A, the description B and the body C.
 */
import { sql } from 'kysely';
import { format, indexTokens, isTextTerm, leaves, type Query } from '../../query/index.ts';
import type { SearchDialect, Sql, SnippetRow } from './dialect.ts';
import { START, STOP } from './highlight.ts';

/** ts_rank weights of the labels D, C (body), B (description), A (title): a title hit counts most. */
export const TS_RANK_WEIGHTS = sql`'{0.1, 0.2, 0.4, 1.0}'`;

const HEADLINE_OPTIONS = `StartSel=${START},StopSel=${STOP},MaxFragments=1,MaxWords=30,MinWords=12`;
/** ts_headline parses all the text it is given: the start of long bodies is enough for a snippet. */
const HEADLINE_CHARS = 20_000;

/** A phrase as tsquery, both as PostgreSQL parses it (`v1.2.3`) and word by word (`windows 10`). */
function phraseQuery(text: string): Sql {
  const words = indexTokens(text).join(' ');
  const byWord = sql`phraseto_tsquery('english', ${words})`;
  return words.toLowerCase() === text.toLowerCase()
    ? byWord
    : sql`(phraseto_tsquery('english', ${text}) || ${byWord})`;
}

/** Restricts every lexeme of a tsquery we built to weight A (the title). */
function titleOnly(q: Sql): Sql {
  return sql`(regexp_replace((${q})::text, '''(?=[[:space:])]|$)', ''':A', 'g'))::tsquery`;
}

/** The tsquery of a full-text-only tree (one that `postgresTsquery.expresses`). */
export function tsquery(q: Query): Sql {
  switch (q.kind) {
    case 'word':
    case 'phrase':
      return phraseQuery(q.text);
    case 'field':
      if (q.field === 'title') return titleOnly(phraseQuery(q.text));
      break;
    case 'not':
      return sql`(!! ${tsquery(q.term)})`;
    case 'and':
      return sql`(${sql.join(q.terms.map(tsquery), sql` && `)})`;
    case 'or':
      return sql`(${sql.join(q.terms.map(tsquery), sql` || `)})`;
  }
  throw new Error(`search: "${format(q)}" is not a full-text term`);
}

function hits(text: Query, where: Sql[], rows: boolean): (ranked: boolean) => Sql {
  const tq = tsquery(text);
  const rank = (ranked: boolean) => (ranked ? sql`ts_rank(${TS_RANK_WEIGHTS}, f.tsv, ${tq})` : sql`0`);
  const all = (first: Sql) => sql.join([first, ...where], sql` AND `);
  if (rows) {
    return (ranked) => sql`SELECT a.id, ${rank(ranked)} AS score
      FROM article_fts f JOIN articles a ON a.id = f.article_id
      WHERE ${all(sql`f.tsv @@ ${tq}`)}`;
  }
  return (ranked) => sql`SELECT a.id, a.score
    FROM (SELECT f.article_id AS id, ${rank(ranked)} AS score FROM article_fts f WHERE f.tsv @@ ${tq}) a
    WHERE ${all(sql`1 = 1`)}`;
}

function inIds(column: Sql, ids: number[]): Sql {
  return sql`${column} = ANY(${ids}::int[])`;
}

export const postgresTsquery: SearchDialect = {
  expresses: (q) => leaves(q).every(isTextTerm),
  // A subquery the index answers once, rather than `@@` on every row's tsvector.
  matches: (q) => sql`a.id IN (SELECT article_id FROM article_fts WHERE tsv @@ ${tsquery(q)})`,
  hits,
  inIds,
  snippets(ids, text) {
    const snippet = text
      ? sql`ts_headline('english', left(body, ${HEADLINE_CHARS}), ${tsquery(text)}, ${HEADLINE_OPTIONS})`
      : sql`NULL`;
    return sql<SnippetRow>`SELECT article_id AS id, ${snippet} AS snippet, description, left(body, 1000) AS body
      FROM article_fts WHERE ${inIds(sql`article_id`, ids)}`;
  },
};
