/** Article lookups and batch writes used by the ingest, on either database. */
import { sql, type Insertable, type Kysely, type Transaction } from 'kysely';
import { dialectOf } from './dialect.ts';
import type { ArticlePathTable, Database } from './schema.ts';
import { chunks } from './codec.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface StoredArticle {
  id: number;
  key: string;
  kb: number | null;
  source_id: number;
  path: string;
  title: string;
  content_hash: string;
  meta_hash: string;
  revision: string;
  revision_count: number;
  retired: number;
}

const COLUMNS = [
  'id',
  'key',
  'kb',
  'source_id',
  'path',
  'title',
  'content_hash',
  'meta_hash',
  'revision',
  'revision_count',
  'retired',
] as const;

/** The stored articles holding each of these KB numbers, in any source. */
export async function articlesByKb(db: Db, kbs: number[]): Promise<Map<number, StoredArticle[]>> {
  const out = new Map<number, StoredArticle[]>();
  for (const part of chunks([...new Set(kbs)])) {
    const rows = await db.selectFrom('articles').select(COLUMNS).where('kb', 'in', part).execute();
    for (const a of rows) if (a.kb !== null) out.set(a.kb, [...(out.get(a.kb) ?? []), a]);
  }
  return out;
}

/** Articles reachable from these paths of a source (current paths and old aliases). */
export async function articlesByPath(
  db: Db,
  sourceId: number,
  paths: string[],
): Promise<Map<string, StoredArticle & { current: number }>> {
  const out = new Map<string, StoredArticle & { current: number }>();
  for (const part of chunks([...new Set(paths)])) {
    const rows = await db
      .selectFrom('article_paths as ap')
      .innerJoin('articles as a', 'a.id', 'ap.article_id')
      .select(COLUMNS.map((c) => `a.${c}` as const))
      .select(['ap.path as alias', 'ap.current'])
      .where('ap.source_id', '=', sourceId)
      .where('ap.path', 'in', part)
      .execute();
    for (const r of rows) {
      const { alias, ...rest } = r;
      out.set(alias, rest as StoredArticle & { current: number });
    }
  }
  return out;
}

/** The text of each article's latest revision. */
export async function latestRevisionTexts(db: Db, articleIds: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const part of chunks([...new Set(articleIds)])) {
    const rows = await db
      .selectFrom('revisions')
      .select(['article_id', 'text'])
      .where('id', 'in', (qb) =>
        qb
          .selectFrom('revisions')
          .select((eb) => eb.fn.max('id').as('id'))
          .where('article_id', 'in', part)
          .groupBy('article_id'),
      )
      .execute();
    for (const r of rows) out.set(r.article_id, r.text);
  }
  return out;
}

export interface SearchRow {
  articleId: number;
  title: string;
  description: string;
  body: string;
}

/** Replaces the full-text rows of these articles (FTS5 on SQLite, tsvector table on PostgreSQL). */
export async function writeSearchRows(
  db: Db,
  rows: SearchRow[],
  opts: { fresh?: boolean } = {},
): Promise<void> {
  if (rows.length === 0) return;
  const pg = dialectOf(db) === 'postgres';
  for (const part of chunks(rows, 100)) {
    const ids = part.map((r) => r.articleId);
    if (pg) {
      await db
        .insertInto('article_fts')
        .values(
          part.map((r) => ({
            article_id: r.articleId,
            title: r.title,
            description: r.description,
            body: r.body,
          })),
        )
        .onConflict((oc) =>
          oc.column('article_id').doUpdateSet((eb) => ({
            title: eb.ref('excluded.title'),
            description: eb.ref('excluded.description'),
            body: eb.ref('excluded.body'),
          })),
        )
        .execute();
    } else {
      if (!opts.fresh) await sql`DELETE FROM article_fts WHERE rowid IN (${sql.join(ids)})`.execute(db);
      await db
        .insertInto('article_fts')
        .values(
          part.map((r) => ({ rowid: r.articleId, title: r.title, description: r.description, body: r.body })),
        )
        .execute();
    }
  }
}

export type PathRow = Insertable<ArticlePathTable>;

/** Points a path of a source at an article; `current` 0 keeps it as an alias that redirects. */
export async function upsertPaths(db: Db, rows: PathRow[]): Promise<void> {
  const unique = [...new Map(rows.map((r) => [`${r.source_id}\u0000${r.path}`, r])).values()];
  for (const part of chunks(unique, 300)) {
    await db
      .insertInto('article_paths')
      .values(part)
      .onConflict((oc) =>
        oc.columns(['source_id', 'path']).doUpdateSet((eb) => ({
          article_id: eb.ref('excluded.article_id'),
          current: eb.ref('excluded.current'),
        })),
      )
      .execute();
  }
}

/** Current paths of a source (for full scans: what is stored but no longer seen is gone). */
export async function currentPaths(db: Db, sourceId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('article_paths')
    .select('path')
    .where('source_id', '=', sourceId)
    .where('current', '=', 1)
    .execute();
  return rows.map((r) => r.path);
}
