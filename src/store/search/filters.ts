/**
 * Metadata filters of a query as SQL predicates over `articles a`, the same on both databases:
 * `product:` `keyword:` `tech:` (by technology slug or alias, else part of the article's
 * lists), `kb:`, `source:`, `updated:` and `reviewed:`. Every value is bound.
 */
import { sql, type Kysely } from 'kysely';
import { dateRange, leaves, type DateNode, type FieldNode, type Query } from '../../query/index.ts';
import type { Database } from '../schema.ts';
import type { Sql } from './dialect.ts';

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
export type KnownTechnologies = Map<string, number[]>;

function isTechnologyField(field: string): field is TechnologyField {
  return field === 'product' || field === 'keyword' || field === 'tech';
}

function technologyKey(q: FieldNode): string {
  return `${q.field}:${q.text.toLowerCase()}`;
}

/** Whether `q` is a technology field whose value names known technologies (a filter on ids alone). */
export function isKnownTechnology(q: FieldNode, known: KnownTechnologies): boolean {
  return isTechnologyField(q.field) && (known.get(technologyKey(q))?.length ?? 0) > 0;
}

function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, '!$&');
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

/** Looks up the technologies that the `product:` `keyword:` `tech:` values of `filters` name. */
export async function knownTechnologies(db: Kysely<Database>, filters: Query[]): Promise<KnownTechnologies> {
  const known: KnownTechnologies = new Map();
  const fields = filters
    .flatMap(leaves)
    .filter(
      (l): l is FieldNode & { field: TechnologyField } => l.kind === 'field' && isTechnologyField(l.field),
    );
  await Promise.all(
    fields.map(async (f) => {
      const key = technologyKey(f);
      if (known.has(key)) return;
      known.set(key, []);
      const lookup = knownTechnologyLookup(f.field, f.text.toLowerCase());
      const { rows } = await sql<{ id: number }>`${lookup}`.execute(db);
      const ids = rows.map((r) => r.id);
      known.set(key, ids);
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

/** A metadata field (`title:` is full text and never comes here). */
export function fieldPredicate(q: FieldNode, known: KnownTechnologies): Sql {
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

/** `updated:` `reviewed:` as a range over the column; articles without the date never match. */
export function datePredicate(q: DateNode): Sql {
  const column = sql.ref(q.field === 'updated' ? 'a.last_changed' : 'a.last_reviewed');
  const { from, before } = dateRange(q.op, q.date);
  const parts = [sql`${column} IS NOT NULL`];
  if (from !== undefined) parts.push(sql`${column} >= ${from}`);
  if (before !== undefined) parts.push(sql`${column} < ${before}`);
  return sql`(${sql.join(parts, sql` AND `)})`;
}
