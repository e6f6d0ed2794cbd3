/**
 * What feeds and the widget show: the latest `new`/`updated` changes, or the latest changed
 * articles, of one technology and/or one query. A query is matched by the search module
 * against the articles of recent changes, so bulk days of metadata edits cannot crowd out
 * the changes a reader cares about.
 */
import type { Context } from '../../context.ts';
import type { ChangeSummary } from '../../model/article.ts';
import type { Query } from '../../query/index.ts';
import { parseSummary } from '../../store/codec.ts';
import { search } from '../../store/search/index.ts';
import { findTechnology } from '../../store/technologies.ts';
import type { Technology } from '../../store/schema.ts';

export interface Filter {
  technology?: Technology;
  query?: Query;
}

export interface TechnologyLabel {
  slug: string;
  name: string;
}

export interface LatestChange {
  id: number;
  kind: 'new' | 'updated';
  articleId: number;
  kb: number | null;
  title: string;
  path: string;
  detectedAt: string;
  minor: boolean;
  summary: ChangeSummary | null;
  technologies: TechnologyLabel[];
}

/** A technology by slug, or by name or alias (case-insensitive); undefined if unknown. */
export async function resolveTechnology(ctx: Context, slugOrName: string): Promise<Technology | undefined> {
  const slug = slugOrName.trim().toLowerCase();
  if (!slug) return undefined;
  const exact = await ctx.store.db
    .selectFrom('technologies')
    .selectAll()
    .where('slug', '=', slug)
    .executeTakeFirst();
  return exact ?? (await findTechnology(ctx.store.db, slugOrName));
}

/** A change's stored summary (JSON text) as an object, or null. */
/** Technology labels per article id. */
export async function technologiesOf(
  ctx: Context,
  articleIds: number[],
): Promise<Map<number, TechnologyLabel[]>> {
  const out = new Map<number, TechnologyLabel[]>();
  if (articleIds.length === 0) return out;
  const rows = await ctx.store.db
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

function recentChanges(ctx: Context, filter: Filter, limit: number, beforeId?: number) {
  let q = ctx.store.db
    .selectFrom('changes as c')
    .innerJoin('articles as a', 'a.id', 'c.article_id')
    .select([
      'c.id',
      'c.kind',
      'c.article_id',
      'c.title',
      'c.detected_at',
      'c.minor',
      'c.summary',
      'a.kb',
      'a.path',
    ])
    .where('c.kind', 'in', ['new', 'updated']);
  if (filter.technology) {
    const techId = filter.technology.id;
    q = q.where('c.article_id', 'in', (eb) =>
      eb.selectFrom('article_technologies').select('article_id').where('technology_id', '=', techId),
    );
  }
  if (beforeId !== undefined) q = q.where('c.id', '<', beforeId);
  return q.orderBy('c.id', 'desc').limit(limit).execute();
}

type ChangeRow = Awaited<ReturnType<typeof recentChanges>>[number];

const PAGE = 1000;
const SEARCH_CHUNK = 500;
const MAX_PAGES = 5;

/** Which of the given articles match the query. */
async function matchingIds(ctx: Context, query: Query, ids: number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (let i = 0; i < ids.length; i += SEARCH_CHUNK) {
    const part = ids.slice(i, i + SEARCH_CHUNK);
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

/** The latest alertable changes matching the filter, newest first. */
export async function latestChanges(ctx: Context, filter: Filter, limit: number): Promise<LatestChange[]> {
  const picked: ChangeRow[] = [];
  if (!filter.query) {
    picked.push(...(await recentChanges(ctx, filter, limit)));
  } else {
    let beforeId: number | undefined;
    for (let page = 0; page < MAX_PAGES && picked.length < limit; page++) {
      const rows = await recentChanges(ctx, filter, PAGE, beforeId);
      if (rows.length === 0) break;
      const matching = await matchingIds(ctx, filter.query, [...new Set(rows.map((r) => r.article_id))]);
      picked.push(...rows.filter((r) => matching.has(r.article_id)).slice(0, limit - picked.length));
      beforeId = rows[rows.length - 1].id;
    }
  }
  const techs = await technologiesOf(
    ctx,
    picked.map((r) => r.article_id),
  );
  return picked.map((r) => ({
    id: r.id,
    kind: r.kind as 'new' | 'updated',
    articleId: r.article_id,
    kb: r.kb,
    title: r.title,
    path: r.path,
    detectedAt: r.detected_at,
    minor: Number(r.minor) === 1,
    summary: parseSummary(r.summary),
    technologies: techs.get(r.article_id) ?? [],
  }));
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
