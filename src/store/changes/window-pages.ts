/**
 * The change window read in pages, for a digest tick whose window may be long (a user back after
 * months): the newest alertable changes below an id, a bounded number at a time, and the
 * alertable changes of given articles inside the window. Each read returns at most a page of
 * rows, or the changes of a page of articles.
 */
import type { Kysely, Transaction } from 'kysely';
import { chunks, parseSummary } from '../codec.ts';
import type { Database } from '../schema.ts';
import type { WindowChange } from './window.ts';

type Db = Kysely<Database> | Transaction<Database>;
const CHUNK = 500;
const ALERTABLE = ['new', 'updated'] as const;

/**
 * The newest `limit` alertable changes with afterId < id ≤ upToId, newest first: which article
 * each is of, nothing more. Walking down from the horizon with `upToId` = the last id read
 * minus one pages through any window in steps of `limit` rows (the primary key, read backwards).
 */
export async function windowPageChanges(
  db: Db,
  afterId: number,
  upToId: number,
  limit: number,
): Promise<{ id: number; articleId: number }[]> {
  const rows = await db
    .selectFrom('changes')
    .select(['id', 'article_id'])
    .where('id', '>', afterId)
    .where('id', '<=', upToId)
    .where('kind', 'in', ALERTABLE)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, articleId: r.article_id }));
}

/** The alertable changes of the given articles with afterId < id ≤ upToId, oldest first. */
export async function alertableChangesOf(
  db: Db,
  articleIds: number[],
  afterId: number,
  upToId: number,
): Promise<WindowChange[]> {
  const out: WindowChange[] = [];
  for (const part of chunks(articleIds, CHUNK)) {
    const rows = await db
      .selectFrom('changes')
      .select(['id', 'article_id', 'kind', 'minor', 'summary'])
      .where('article_id', 'in', part)
      .where('id', '>', afterId)
      .where('id', '<=', upToId)
      .where('kind', 'in', ALERTABLE)
      .execute();
    for (const c of rows)
      out.push({
        id: c.id,
        articleId: c.article_id,
        kind: c.kind as 'new' | 'updated',
        minor: c.minor === 1,
        summary: parseSummary(c.summary),
      });
  }
  return out.sort((a, b) => a.id - b.id);
}

/**
 * When the earliest alertable change with afterId < id ≤ upToId was detected (ISO time), or null
 * when there is none. An aggregate: the database reads the rows, the caller gets one.
 */
export async function earliestChangeTime(db: Db, afterId: number, upToId: number): Promise<string | null> {
  const row = await db
    .selectFrom('changes')
    .select((eb) => eb.fn.min('detected_at').as('first'))
    .where('id', '>', afterId)
    .where('id', '<=', upToId)
    .where('kind', 'in', ALERTABLE)
    .executeTakeFirst();
  return row?.first ? String(row.first) : null;
}
