/**
 * What feeds and the widget show: the latest `new`/`updated` changes, or the latest changed
 * articles, of one technology and/or one query. A query is matched by the search module
 * against the articles of recent changes, so bulk days of metadata edits cannot crowd out
 * the changes a reader cares about.
 */
import type { Context } from '../../context.ts';
import type { Query } from '../../query/index.ts';
import { technologyLabels, type TechnologyLabel } from '../../store/technology-read.ts';
import { latestAlertable, type AlertableChange } from '../../store/changes/list.ts';
import { chunks } from '../../store/codec.ts';
import { search } from '../../store/search/index.ts';
import type { Technology } from '../../store/schema.ts';

export interface Filter {
  technology?: Technology;
  query?: Query;
}

export type { TechnologyLabel };

export interface LatestChange extends AlertableChange {
  technologies: TechnologyLabel[];
}

const PAGE = 1000;
const SEARCH_CHUNK = 500;
const MAX_PAGES = 5;

/** Which of the given articles match the query. */
async function matchingIds(ctx: Context, query: Query, ids: number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (const part of chunks(ids, SEARCH_CHUNK)) {
    const found = await search(ctx.store, query, {
      onlyArticleIds: part,
      limit: part.length,
      sort: 'date',
      includeRetired: true,
    });
    for (const r of found.results) out.add(r.articleId);
  }
  return out;
}

/** The latest changes of the filter's technology whose articles match its query, up to `limit`. */
async function matchingChanges(ctx: Context, filter: Filter, query: Query, limit: number) {
  const picked: AlertableChange[] = [];
  const technologyId = filter.technology?.id;
  let beforeId: number | undefined;
  for (let page = 0; page < MAX_PAGES && picked.length < limit; page++) {
    const rows = await latestAlertable(ctx.store.db, { technologyId, beforeId, limit: PAGE });
    if (rows.length === 0) break;
    const matching = await matchingIds(ctx, query, [...new Set(rows.map((r) => r.articleId))]);
    picked.push(...rows.filter((r) => matching.has(r.articleId)).slice(0, limit - picked.length));
    beforeId = rows[rows.length - 1].id;
  }
  return picked;
}

/** The latest alertable changes matching the filter, newest first. */
export async function latestChanges(ctx: Context, filter: Filter, limit: number): Promise<LatestChange[]> {
  const picked = filter.query
    ? await matchingChanges(ctx, filter, filter.query, limit)
    : await latestAlertable(ctx.store.db, { technologyId: filter.technology?.id, limit });
  const techs = await technologyLabels(
    ctx.store.db,
    picked.map((r) => r.articleId),
  );
  return picked.map((c) => ({ ...c, technologies: techs.get(c.articleId) ?? [] }));
}

export interface LatestArticle {
  articleId: number;
  kb: number | null;
  title: string;
  path: string;
  lastChanged: string;
}

/** The latest new or updated articles matching the filter, each once, newest change first. */
export async function latestArticles(ctx: Context, filter: Filter, limit: number): Promise<LatestArticle[]> {
  const out = new Map<number, LatestArticle>();
  // Several changes of one article collapse into one item; ask for a few more than needed.
  const changes = await latestChanges(ctx, filter, limit * 4);
  for (const c of changes) {
    if (out.size >= limit) break;
    if (!out.has(c.articleId))
      out.set(c.articleId, {
        articleId: c.articleId,
        kb: c.kb,
        title: c.title,
        path: c.path,
        lastChanged: c.detectedAt,
      });
  }
  return [...out.values()];
}
