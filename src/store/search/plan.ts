/**
 * The search planner, shared by both databases. The syntax tree is compiled, never the text:
 * full-text terms go to the dialect's compiler (`SearchDialect`), metadata fields become SQL
 * predicates with bound values (filters.ts), so no user text reaches MATCH or SQL raw.
 *
 * Plan of a query: the top-level AND terms that are pure full text form one MATCH / `@@`
 * that also ranks (title over description over body); everything else (metadata fields, ORs
 * mixing text and fields, a query of only exclusions) filters the articles row by row.
 */
import { sql } from 'kysely';
import { format, kbJump, type Query } from '../../query/index.ts';
import type { SearchDialect, Sql } from './dialect.ts';
import { datePredicate, fieldPredicate, isKnownTechnology, type KnownTechnologies } from './filters.ts';
import type { SearchOptions } from './types.ts';

export type Compiled =
  | {
      /** The ranked full-text part, for snippets. */
      text: Query;
      /**
       * `SELECT id, score` of every matching article, the full-text index answering first and
       * the article rows read only when a filter needs them.
       */
      hits: (ranked: boolean) => Sql;
    }
  | {
      /** No positive words: nothing is ranked by the index. */
      text: null;
      /** FROM … WHERE … selecting the matching articles as `a`. */
      matching: Sql;
      /** Higher is better. */
      score: Sql;
    };

/** Whether a filter reads article columns other than the id (a known technology needs only the id). */
function needsRow(q: Query, d: SearchDialect, known: KnownTechnologies): boolean {
  if (d.expresses(q)) return false;
  switch (q.kind) {
    case 'not':
      return needsRow(q.term, d, known);
    case 'and':
    case 'or':
      return q.terms.some((t) => needsRow(t, d, known));
    case 'field':
      return !isKnownTechnology(q, known);
    default:
      return true;
  }
}

/**
 * Any tree as a boolean SQL expression over `articles a`.
 * Every predicate is true or false, never NULL, so that NOT keeps meaning "does not match".
 */
function predicate(q: Query, d: SearchDialect, known: KnownTechnologies = new Map()): Sql {
  if (d.expresses(q)) return d.matches(q);
  switch (q.kind) {
    case 'not':
      return sql`NOT (${predicate(q.term, d, known)})`;
    case 'and':
    case 'or':
      return sql`(${sql.join(
        q.terms.map((t) => predicate(t, d, known)),
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

/** Splits the top-level AND into the ranked full-text part and row filters. */
function plan(q: Query, d: SearchDialect): { text: Query | null; filters: Query[] } {
  const terms = q.kind === 'and' ? q.terms : [q];
  const positive = terms.filter((t) => t.kind !== 'not' && d.expresses(t));
  if (positive.length === 0) return { text: null, filters: terms };
  const negative = terms.filter((t) => t.kind === 'not' && d.expresses(t.term));
  const text = [...positive, ...negative];
  return {
    text: text.length === 1 ? text[0] : { kind: 'and', terms: text },
    filters: terms.filter((t) => !text.includes(t)),
  };
}

/** The parts of a query: which articles (jump, ranked text, filters). */
export function split(
  q: Query,
  d: SearchDialect,
): { jump: number | null; text: Query | null; filters: Query[] } {
  // `KB307175` alone finds the article as well as the text; the article comes first.
  const jump = q.kind === 'word' ? kbJump(q) : null;
  return { jump, ...(jump === null ? plan(q, d) : { text: null, filters: [] }) };
}

/** The query with the options as one plan; `known` from `knownTechnologies` over `split(q).filters`. */
export function compile(q: Query, d: SearchDialect, opts: SearchOptions, known: KnownTechnologies): Compiled {
  const { jump, text, filters } = split(q, d);
  const where = filters.map((f) => predicate(f, d, known));
  if (jump !== null) where.push(sql`(${predicate(q, d)} OR a.kb = ${jump})`);
  if (opts.technology !== undefined) {
    where.push(sql`a.id IN (SELECT at.article_id FROM article_technologies at
      JOIN technologies t ON t.id = at.technology_id WHERE t.slug = ${opts.technology.toLowerCase()})`);
  }
  if (opts.onlyArticleIds) where.push(d.inIds(sql`a.id`, opts.onlyArticleIds));

  if (text) {
    const rowNeeded = filters.some((f) => needsRow(f, d, known));
    // The retired ids come from their own small index unless the article rows are read anyway.
    const live = opts.includeRetired
      ? []
      : [rowNeeded ? sql`a.retired = 0` : sql`a.id NOT IN (SELECT id FROM articles WHERE retired = 1)`];
    return { text, hits: d.hits(text, [...where, ...live], rowNeeded) };
  }

  if (!opts.includeRetired) where.push(sql`a.retired = 0`);
  const score = jump === null ? sql`0` : sql`CASE WHEN a.kb = ${jump} THEN 1 ELSE 0 END`;
  const condition = where.length > 0 ? sql.join(where, sql` AND `) : sql`1 = 1`;
  return { text: null, matching: sql`FROM articles a WHERE ${condition}`, score };
}
