/**
 * Reading technologies: by slug, name or alias, lists by name fragment and kind with counts,
 * aliases and display names, the technologies of articles, and choices for pickers.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, Technology } from './schema.ts';
import { findTechnology } from './technologies.ts';

export interface TechnologyListOptions {
  /** Part of the name, case-insensitive. */
  name?: string;
  kind?: Technology['kind'];
  limit?: number;
  offset?: number;
}

function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, '!$&');
}

/** Technologies matching a name fragment and kind, most articles first; with the total. */
export async function listTechnologies(
  db: Kysely<Database>,
  opts: TechnologyListOptions,
): Promise<{ total: number; technologies: Technology[] }> {
  let q = db.selectFrom('technologies');
  if (opts.name)
    q = q.where(sql<boolean>`lower(name) LIKE ${`%${escapeLike(opts.name.toLowerCase())}%`} ESCAPE '!'`);
  if (opts.kind) q = q.where('kind', '=', opts.kind);
  const [rows, count] = await Promise.all([
    q
      .selectAll()
      .orderBy('article_count', 'desc')
      .orderBy('name')
      .limit(opts.limit ?? 100)
      .offset(opts.offset ?? 0)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
  ]);
  return { total: Number(count?.n ?? 0), technologies: rows };
}

/** How many technologies there are of each kind. */
export async function technologyKindCounts(db: Kysely<Database>): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('technologies')
    .select(['kind', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('kind')
    .execute();
  return new Map(rows.map((r) => [r.kind, Number(r.n)]));
}

export function findTechnologyBySlug(db: Kysely<Database>, slug: string): Promise<Technology | undefined> {
  return db.selectFrom('technologies').selectAll().where('slug', '=', slug).executeTakeFirst();
}

/** The technology an alias (any case) names, for redirects from old or spelled-out slugs. */
export function findTechnologyByAlias(db: Kysely<Database>, alias: string): Promise<Technology | undefined> {
  return db
    .selectFrom('technology_aliases as ta')
    .innerJoin('technologies as t', 't.id', 'ta.technology_id')
    .selectAll('t')
    .where('ta.alias', '=', alias.trim().toLowerCase())
    .executeTakeFirst();
}

export async function aliasesOfTechnology(db: Kysely<Database>, technologyId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('technology_aliases')
    .select('alias')
    .where('technology_id', '=', technologyId)
    .orderBy('alias')
    .execute();
  return rows.map((r) => r.alias);
}

/** Display names of technologies by slug (for result lists that carry slugs). */
export async function technologyNames(db: Kysely<Database>, slugs: string[]): Promise<Map<string, string>> {
  if (slugs.length === 0) return new Map();
  const rows = await db
    .selectFrom('technologies')
    .select(['slug', 'name'])
    .where('slug', 'in', [...new Set(slugs)])
    .execute();
  return new Map(rows.map((r) => [r.slug, r.name]));
}

/** A technology by slug, else by name or alias (case-insensitive); undefined if unknown. */
export async function resolveTechnology(
  db: Kysely<Database>,
  slugOrName: string,
): Promise<Technology | undefined> {
  const slug = slugOrName.trim().toLowerCase();
  if (!slug) return undefined;
  return (await findTechnologyBySlug(db, slug)) ?? (await findTechnology(db, slugOrName));
}

export interface TechnologyLabel {
  slug: string;
  name: string;
}

/** The technologies of each article (by kind, then name), keyed by article id. */
export async function technologyLabels(
  db: Kysely<Database>,
  articleIds: number[],
): Promise<Map<number, TechnologyLabel[]>> {
  const out = new Map<number, TechnologyLabel[]>();
  if (articleIds.length === 0) return out;
  const rows = await db
    .selectFrom('article_technologies as at')
    .innerJoin('technologies as t', 't.id', 'at.technology_id')
    .select(['at.article_id', 't.slug', 't.name'])
    .where('at.article_id', 'in', [...new Set(articleIds)])
    .orderBy('t.kind')
    .orderBy('t.name')
    .execute();
  for (const r of rows) {
    const list = out.get(r.article_id) ?? [];
    list.push({ slug: r.slug, name: r.name });
    out.set(r.article_id, list);
  }
  return out;
}

/**
 * Technologies whose name or one of whose aliases contains `text` (case-insensitive), most
 * articles first; with the total.
 */
export async function findTechnologies(
  db: Kysely<Database>,
  opts: { text?: string; kind?: Technology['kind']; limit: number; offset: number },
): Promise<{ total: number; technologies: Technology[] }> {
  let q = db.selectFrom('technologies as t');
  if (opts.kind) q = q.where('t.kind', '=', opts.kind);
  const text = opts.text?.trim().toLowerCase();
  if (text) {
    const pattern = `%${escapeLike(text)}%`;
    q = q.where((eb) =>
      eb.or([
        eb(sql`lower(t.name)`, 'like', sql<string>`${pattern} ESCAPE '!'`),
        eb(
          't.id',
          'in',
          eb
            .selectFrom('technology_aliases')
            .select('technology_id')
            .where(sql<boolean>`alias LIKE ${pattern} ESCAPE '!'`),
        ),
      ]),
    );
  }
  const [rows, count] = await Promise.all([
    q
      .selectAll('t')
      .orderBy('t.article_count', 'desc')
      .orderBy('t.name')
      .orderBy('t.id')
      .limit(opts.limit)
      .offset(opts.offset)
      .execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { total: Number(count.n), technologies: rows };
}

/** Slugs and names of the technologies with most articles, for pickers. */
export function technologyChoices(db: Kysely<Database>, limit: number): Promise<TechnologyLabel[]> {
  return db
    .selectFrom('technologies')
    .select(['slug', 'name'])
    .orderBy('article_count', 'desc')
    .orderBy('name')
    .limit(limit)
    .execute();
}
