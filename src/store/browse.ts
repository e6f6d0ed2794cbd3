/**
 * What the home and technology pages, the API and the widget list: the latest new and updated
 * articles, technologies by popularity, name or alias, one technology with its aliases, and
 * the technology labels of articles.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, Technology } from './schema.ts';
import { findTechnology } from './technologies.ts';

export interface LatestChange {
  changeId: number;
  articleId: number;
  kind: 'new' | 'updated';
  detectedAt: string;
  minor: boolean;
  /** JSON ChangeSummary or null. */
  summary: string | null;
  kb: number | null;
  path: string;
  title: string;
  retired: boolean;
}

/**
 * The latest `new` and `updated` changes, newest first, one per article (its latest), of all
 * articles or of one technology's.
 */
export async function latestChanges(
  db: Kysely<Database>,
  opts: { limit?: number; technology?: Pick<Technology, 'id' | 'article_count'> } = {},
): Promise<LatestChange[]> {
  const limit = opts.limit ?? 15;
  let q = db
    .selectFrom('changes as c')
    .innerJoin('articles as a', 'a.id', 'c.article_id')
    .select([
      'c.id as change_id',
      'c.article_id',
      'c.kind',
      'c.detected_at',
      'c.minor',
      'c.summary',
      'a.kb',
      'a.path',
      'a.title',
      'a.retired',
    ])
    .where('c.kind', 'in', ['new', 'updated']);
  const tech = opts.technology;
  if (tech && tech.article_count < 2000) {
    // A small technology: start from its articles (a newest-first scan of all changes would
    // pass thousands of other articles' changes before finding enough of its own).
    q = q.where('c.article_id', 'in', (eb) =>
      eb
        .selectFrom('article_technologies as at')
        .select('at.article_id')
        .where('at.technology_id', '=', tech.id),
    );
  } else if (tech) {
    // A big one: its changes are frequent, so the newest-first scan stops early.
    q = q.where((eb) =>
      eb.exists(
        eb
          .selectFrom('article_technologies as at')
          .select('at.article_id')
          .whereRef('at.article_id', '=', 'c.article_id')
          .where('at.technology_id', '=', tech.id),
      ),
    );
  }
  // Fetch a few extra rows so that an article changed twice still leaves `limit` distinct ones.
  const rows = await q
    .orderBy('c.id', 'desc')
    .limit(limit * 3)
    .execute();
  const seen = new Set<number>();
  const out: LatestChange[] = [];
  for (const r of rows) {
    if (seen.has(r.article_id) || out.length >= limit) continue;
    seen.add(r.article_id);
    out.push({
      changeId: r.change_id,
      articleId: r.article_id,
      kind: r.kind as 'new' | 'updated',
      detectedAt: r.detected_at,
      minor: Number(r.minor) !== 0,
      summary: r.summary,
      kb: r.kb,
      path: r.path,
      title: r.title,
      retired: Number(r.retired) !== 0,
    });
  }
  return out;
}

export function popularTechnologies(db: Kysely<Database>, limit = 24): Promise<Technology[]> {
  return db
    .selectFrom('technologies')
    .selectAll()
    .where('article_count', '>', 0)
    .orderBy('article_count', 'desc')
    .orderBy('name')
    .limit(limit)
    .execute();
}

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
