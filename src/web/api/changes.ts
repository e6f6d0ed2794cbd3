/**
 * GET /api/v1/changes?since=&kind=&limit=&after= — every change detected since a time, oldest
 * first, in pages: `next` links the page after this one (a scan's changes share one time, so
 * pages continue by change id, not by time).
 */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import type { ChangeKind, ChangeSummary } from '../../model/article.ts';
import { changesPage, type ListedChange } from '../../store/changes/list.ts';
import { articleUrl } from '../urls.ts';
import { kindList, utcTime } from './params.ts';

export const CHANGE_KINDS = ['new', 'updated', 'metadata', 'moved', 'removed'] as const;

export interface ChangesQuery {
  since: string;
  kind?: string;
  limit?: number;
  after?: number;
}

export interface ChangeBriefInput {
  id: number;
  kind: string;
  kb: number | null;
  title: string;
  path: string;
  detectedAt: string;
  minor: boolean;
  summary: ChangeSummary | null;
}

/** A change as the API shows it in lists; `path` is the article's current path, for its URL. */
export function changeBriefJson(ctx: Context, c: ChangeBriefInput) {
  return {
    id: c.id,
    kind: c.kind,
    kb: c.kb,
    title: c.title,
    url: articleUrl(ctx.config.baseUrl, c),
    detectedAt: c.detectedAt,
    minor: c.minor,
    summary: c.summary,
  };
}

function changeJson(ctx: Context, c: ListedChange) {
  return {
    ...changeBriefJson(ctx, { ...c, kb: c.article.kb, path: c.article.path }),
    path: c.path,
    previousPath: c.previousPath,
    source: c.source,
  };
}

/** The link to the page after one that ended at change `lastId`. */
function nextUrl(ctx: Context, since: string, kinds: ChangeKind[], limit: number, lastId: number): string {
  const next = new URLSearchParams({ since, limit: String(limit), after: String(lastId) });
  if (kinds.length) next.set('kind', kinds.join(','));
  return `${ctx.config.baseUrl}/api/v1/changes?${next.toString()}`;
}

export function apiChanges(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const query = req.query as ChangesQuery;
    const since = utcTime(query.since, 'since');
    const kinds = kindList<ChangeKind>(query.kind);
    const { limit = 100, after = 0 } = query;
    const page = await changesPage(ctx.store.db, { since, kinds, afterId: after, limit });
    const lastId = page.changes.at(-1)?.id ?? after;
    return reply.header('Cache-Control', 'public, max-age=60').send({
      since,
      results: page.changes.map((c) => changeJson(ctx, c)),
      next: page.more ? nextUrl(ctx, since, kinds, limit, lastId) : null,
    });
  };
}
