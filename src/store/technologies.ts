/** Technologies, their aliases and the article links, written in batches by the ingest. */
import { sql, type Kysely, type Transaction } from 'kysely';
import { aliasesOf, type TechnologyRef } from '../model/technology.ts';
import { chunks } from './codec.ts';
import type { Database } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Ensures every technology exists with its aliases; returns slug → id. */
export async function ensureTechnologies(db: Db, refs: TechnologyRef[]): Promise<Map<string, number>> {
  const bySlug = new Map<string, TechnologyRef>();
  for (const r of refs) if (!bySlug.has(r.slug)) bySlug.set(r.slug, r);
  const ids = new Map<string, number>();
  const slugs = [...bySlug.keys()];
  for (const part of chunks(slugs)) {
    for (const row of await db
      .selectFrom('technologies')
      .select(['id', 'slug'])
      .where('slug', 'in', part)
      .execute())
      ids.set(row.slug, row.id);
  }
  const missing = slugs.filter((s) => !ids.has(s)).map((s) => bySlug.get(s)!);
  for (const part of chunks(missing)) {
    await db
      .insertInto('technologies')
      .values(part.map((r) => ({ slug: r.slug, name: r.name, kind: r.kind, article_count: 0 })))
      .onConflict((oc) => oc.column('slug').doNothing())
      .execute();
    for (const row of await db
      .selectFrom('technologies')
      .select(['id', 'slug'])
      .where(
        'slug',
        'in',
        part.map((r) => r.slug),
      )
      .execute())
      ids.set(row.slug, row.id);
    const aliases = part.flatMap((r) =>
      aliasesOf(r.name).map((alias) => ({ alias, technology_id: ids.get(r.slug)! })),
    );
    const unique = [...new Map(aliases.map((a) => [a.alias, a])).values()];
    for (const ap of chunks(unique))
      await db
        .insertInto('technology_aliases')
        .values(ap)
        .onConflict((oc) => oc.column('alias').doNothing())
        .execute();
  }
  return ids;
}

/** Replaces the technology links of the given articles. */
export async function setArticleTechnologies(
  db: Db,
  links: Map<number, number[]>,
  replace: boolean,
): Promise<void> {
  const articleIds = [...links.keys()];
  if (replace)
    for (const part of chunks(articleIds))
      await db.deleteFrom('article_technologies').where('article_id', 'in', part).execute();
  const rows = [...links].flatMap(([article_id, techs]) =>
    [...new Set(techs)].map((technology_id) => ({ article_id, technology_id })),
  );
  for (const part of chunks(rows, 500)) {
    await db
      .insertInto('article_technologies')
      .values(part)
      .onConflict((oc) => oc.columns(['article_id', 'technology_id']).doNothing())
      .execute();
  }
}

/** Recomputes article counts (live articles only) for every technology. */
export async function refreshTechnologyCounts(db: Db): Promise<void> {
  await sql`UPDATE technologies SET article_count = (
      SELECT COUNT(*) FROM article_technologies at JOIN articles a ON a.id = at.article_id
      WHERE at.technology_id = technologies.id AND a.retired = 0)`.execute(db);
}

/** Finds a technology by slug, name or alias (case-insensitive). */
export async function findTechnology(db: Db, nameOrSlug: string) {
  const alias = nameOrSlug.trim().toLowerCase().replace(/\s+/g, ' ');
  return db
    .selectFrom('technology_aliases')
    .innerJoin('technologies', 'technologies.id', 'technology_aliases.technology_id')
    .selectAll('technologies')
    .where('technology_aliases.alias', 'in', [alias, alias.replace(/\s+/g, '-')])
    .executeTakeFirst();
}
