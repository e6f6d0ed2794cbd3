/**
 * Lists of detected changes as readers get them: every change since a time, in pages by id
 * (the API's `/changes`), and the latest alertable ones, newest first, of all articles or of
 * one technology's (feeds and the widget).
 */
import type { Kysely } from 'kysely';
import type { ChangeKind, ChangeSummary } from '../../model/article.ts';
import { parseSummary } from '../codec.ts';
import type { Database } from '../schema.ts';

/** A change in the full list: where it happened, and the article as it is now (for its address). */
export interface ListedChange {
  id: number;
  kind: ChangeKind;
  title: string;
  /** The path the change was seen at, and the one before for a move. */
  path: string;
  previousPath: string | null;
  detectedAt: string;
  minor: boolean;
  summary: ChangeSummary | null;
  source: string;
  article: { kb: number | null; path: string };
}

export interface ChangePageOptions {
  /** ISO UTC time: changes detected at or after it. */
  since: string;
  /** Only these kinds (all when empty). */
  kinds?: readonly ChangeKind[];
  /** Only changes with a larger id: where the previous page ended. */
  afterId?: number;
  limit: number;
}

/** One page of changes since a time, oldest first; `more` says whether another page follows. */
export async function changesPage(
  db: Kysely<Database>,
  opts: ChangePageOptions,
): Promise<{ changes: ListedChange[]; more: boolean }> {
  let q = db
    .selectFrom('changes as c')
    .innerJoin('articles as a', 'a.id', 'c.article_id')
    .innerJoin('sources as s', 's.id', 'c.source_id')
    .select([
      'c.id',
      'c.kind',
      'c.title',
      'c.path',
      'c.previous_path',
      'c.detected_at',
      'c.minor',
      'c.summary',
    ])
    .select(['a.kb as article_kb', 'a.path as article_path', 's.name as source'])
    .where('c.detected_at', '>=', opts.since)
    .where('c.id', '>', opts.afterId ?? 0);
  if (opts.kinds?.length) q = q.where('c.kind', 'in', [...opts.kinds]);
  // One more row than asked says whether a next page exists.
  const rows = await q
    .orderBy('c.id')
    .limit(opts.limit + 1)
    .execute();
  const changes = rows.slice(0, opts.limit).map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    path: r.path,
    previousPath: r.previous_path,
    detectedAt: r.detected_at,
    minor: Number(r.minor) === 1,
    summary: parseSummary(r.summary),
    source: r.source,
    article: { kb: r.article_kb, path: r.article_path },
  }));
  return { changes, more: rows.length > opts.limit };
}

/** A `new` or `updated` change with the article's number and current path. */
export interface AlertableChange {
  id: number;
  kind: 'new' | 'updated';
  articleId: number;
  kb: number | null;
  title: string;
  path: string;
  detectedAt: string;
  minor: boolean;
  summary: ChangeSummary | null;
}

export interface AlertableOptions {
  /** Only changes of this technology's articles. */
  technologyId?: number;
  /** Only changes with a smaller id: where the previous batch ended. */
  beforeId?: number;
  limit: number;
}

/** The latest `new` and `updated` changes, newest first (several per article if it changed often). */
export async function latestAlertable(
  db: Kysely<Database>,
  opts: AlertableOptions,
): Promise<AlertableChange[]> {
  let q = db
    .selectFrom('changes as c')
    .innerJoin('articles as a', 'a.id', 'c.article_id')
    .select(['c.id', 'c.kind', 'c.article_id', 'c.title', 'c.detected_at', 'c.minor', 'c.summary'])
    .select(['a.kb', 'a.path'])
    .where('c.kind', 'in', ['new', 'updated']);
  const techId = opts.technologyId;
  if (techId !== undefined)
    q = q.where('c.article_id', 'in', (eb) =>
      eb.selectFrom('article_technologies').select('article_id').where('technology_id', '=', techId),
    );
  if (opts.beforeId !== undefined) q = q.where('c.id', '<', opts.beforeId);
  const rows = await q.orderBy('c.id', 'desc').limit(opts.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind as 'new' | 'updated',
    articleId: r.article_id,
    kb: r.kb,
    title: r.title,
    path: r.path,
    detectedAt: r.detected_at,
    minor: Number(r.minor) === 1,
    summary: parseSummary(r.summary),
  }));
}
