/**
 * What matching reads from the change log: the newest change id (a new user's watermark), the
 * horizon a digest may advance a watermark to, and a window of alertable changes with their
 * articles, technologies, aliases and text. A handful of queries in chunks, whatever the number
 * of users.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { ChangeSummary } from '../../model/article.ts';
import { chunks, jsonList, parseSummary } from '../codec.ts';
import { dialectOf } from '../dialect.ts';
import type { Database } from '../schema.ts';

type Db = Kysely<Database> | Transaction<Database>;
const CHUNK = 500;

/** The newest change id: where a new user's watermark starts (they get only what comes after). */
export async function currentWatermark(db: Db): Promise<number> {
  const row = await db
    .selectFrom('changes')
    .select((eb) => eb.fn.max('id').as('max'))
    .executeTakeFirst();
  return Number(row?.max ?? 0);
}

export class HorizonBusyError extends Error {}

/**
 * The highest change id a digest may advance a watermark to. On PostgreSQL a scan may hold ids
 * it has not committed yet, below ids another scan already committed; advancing past them would
 * lose those changes. A SHARE lock waits for every transaction writing `changes` to end, after
 * which no smaller id can appear. SQLite has one writer at a time, so its maximum is safe as is.
 */
export async function changeHorizon(db: Kysely<Database>, lockTimeoutMs = 10_000): Promise<number> {
  if (dialectOf(db) === 'sqlite') return currentWatermark(db);
  try {
    return await db.transaction().execute(async (tx) => {
      await sql.raw(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`).execute(tx);
      await sql`LOCK TABLE changes IN SHARE MODE`.execute(tx);
      return currentWatermark(tx);
    });
  } catch (err) {
    if ((err as { code?: string }).code === '55P03') {
      throw new HorizonBusyError(
        `match: changes are still being written after ${lockTimeoutMs} ms; digests wait for the next tick`,
      );
    }
    throw err;
  }
}

/** A `new` or `updated` change inside the window. */
export interface WindowChange {
  id: number;
  articleId: number;
  kind: 'new' | 'updated';
  minor: boolean;
  summary: ChangeSummary | null;
}

/** Alertable (`new`, `updated`) changes with afterId < id ≤ upToId, oldest first. */
export async function alertableChanges(db: Db, afterId: number, upToId: number): Promise<WindowChange[]> {
  const changes = await db
    .selectFrom('changes')
    .select(['id', 'article_id', 'kind', 'minor', 'summary'])
    .where('id', '>', afterId)
    .where('id', '<=', upToId)
    .where('kind', 'in', ['new', 'updated'])
    .orderBy('id')
    .execute();
  return changes.map((c) => ({
    id: c.id,
    articleId: c.article_id,
    kind: c.kind as 'new' | 'updated',
    minor: c.minor === 1,
    summary: parseSummary(c.summary),
  }));
}

/** Source id → name, for every source. */
export async function sourceNames(db: Db): Promise<Map<number, string>> {
  return new Map(
    (await db.selectFrom('sources').select(['id', 'name']).execute()).map((s) => [s.id, s.name]),
  );
}

/** Article id → its indexed body text, for the given articles. */
export async function articleBodies(db: Db, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const idColumn = dialectOf(db) === 'sqlite' ? sql.raw('rowid') : sql.raw('article_id');
  for (const part of chunks(ids, CHUNK)) {
    const rows = await sql<{
      id: number;
      body: string;
    }>`SELECT ${idColumn} AS id, body FROM article_fts WHERE ${idColumn} IN (${sql.join(part)})`.execute(db);
    for (const r of rows.rows) out.set(Number(r.id), r.body);
  }
  return out;
}

export interface WindowTechnology {
  id: number;
  slug: string;
  name: string;
  kind: 'product' | 'area' | 'keyword';
}

/** The technology links of the given articles, each with its technology. */
export async function articleTechnologies(
  db: Db,
  ids: number[],
): Promise<{ articleId: number; technology: WindowTechnology }[]> {
  const out: { articleId: number; technology: WindowTechnology }[] = [];
  for (const part of chunks(ids, CHUNK)) {
    const links = await db
      .selectFrom('article_technologies as at')
      .innerJoin('technologies as t', 't.id', 'at.technology_id')
      .select(['at.article_id', 't.id', 't.slug', 't.name', 't.kind'])
      .where('at.article_id', 'in', part)
      .execute();
    for (const l of links)
      out.push({
        articleId: l.article_id,
        technology: { id: l.id, slug: l.slug, name: l.name, kind: l.kind },
      });
  }
  return out;
}

/** Technology id → its aliases, lowercased, for the given technologies. */
export async function technologyAliases(db: Db, technologyIds: number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>();
  for (const part of chunks(technologyIds, CHUNK)) {
    for (const a of await db
      .selectFrom('technology_aliases')
      .select(['alias', 'technology_id'])
      .where('technology_id', 'in', part)
      .execute()) {
      const list = out.get(a.technology_id);
      if (list) list.push(a.alias.toLowerCase());
      else out.set(a.technology_id, [a.alias.toLowerCase()]);
    }
  }
  return out;
}

/** An article as matching sees it, its JSON lists decoded. */
export interface WindowArticleRow {
  id: number;
  kb: number | null;
  title: string;
  description: string;
  sourceId: number;
  path: string;
  url: string | null;
  products: string[];
  areas: string[];
  keywords: string[];
  lastReviewed: string | null;
  lastChanged: string;
  retired: boolean;
}

/** The given articles, retired ones included, in no particular order. */
export async function windowArticles(db: Db, ids: number[]): Promise<WindowArticleRow[]> {
  const out: WindowArticleRow[] = [];
  for (const part of chunks(ids, CHUNK)) {
    const rows = await db
      .selectFrom('articles')
      .select([
        'id',
        'kb',
        'title',
        'description',
        'source_id',
        'path',
        'url',
        'products',
        'areas',
        'keywords',
        'last_reviewed',
        'last_changed',
        'retired',
      ])
      .where('id', 'in', part)
      .execute();
    for (const a of rows) {
      out.push({
        id: a.id,
        kb: a.kb,
        title: a.title,
        description: a.description,
        sourceId: a.source_id,
        path: a.path,
        url: a.url,
        products: jsonList(a.products),
        areas: jsonList(a.areas),
        keywords: jsonList(a.keywords),
        lastReviewed: a.last_reviewed,
        lastChanged: a.last_changed,
        retired: Boolean(a.retired),
      });
    }
  }
  return out;
}
