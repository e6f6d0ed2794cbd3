/**
 * GET /api/v1/changes?since=&kind=&limit=&after= — every change detected since a time, oldest
 * first, in pages: `next` links the page after this one (a scan's changes share one time, so
 * pages continue by change id, not by time).
 */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import type { ChangeSummary } from '../../model/article.ts';
import { parseSummary } from '../../store/codec.ts';
import { articleUrl } from './search.ts';
import { enumListParam, intParam, params, timeParam } from './params.ts';

export const CHANGE_KINDS = ['new', 'updated', 'metadata', 'moved', 'removed'] as const;

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
    url: articleUrl(ctx, c),
    detectedAt: c.detectedAt,
    minor: c.minor,
    summary: c.summary,
  };
}

export function apiChanges(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const qs = params(req.query);
    const since = timeParam(qs, 'since', true)!;
    const kinds = enumListParam(qs, 'kind', CHANGE_KINDS);
    const limit = intParam(qs, 'limit', 1, 1000, 100);
    const after = intParam(qs, 'after', 0, Number.MAX_SAFE_INTEGER, 0);
    let q = ctx.store.db
      .selectFrom('changes as c')
      .innerJoin('articles as a', 'a.id', 'c.article_id')
      .innerJoin('sources as s', 's.id', 'c.source_id')
      .select([
        'c.id',
        'c.kind',
        'c.kb',
        'c.title',
        'c.path',
        'c.previous_path',
        'c.detected_at',
        'c.minor',
        'c.summary',
        'a.kb as article_kb',
        'a.path as article_path',
        's.name as source',
      ])
      .where('c.detected_at', '>=', since)
      .where('c.id', '>', after);
    if (kinds.length) q = q.where('c.kind', 'in', kinds);
    // One more row than asked says whether a next page exists.
    const rows = await q
      .orderBy('c.id')
      .limit(limit + 1)
      .execute();
    const page = rows.slice(0, limit);
    const next = new URLSearchParams({
      since,
      limit: String(limit),
      after: String(page.at(-1)?.id ?? after),
    });
    if (kinds.length) next.set('kind', kinds.join(','));
    return reply.header('Cache-Control', 'public, max-age=60').send({
      since,
      results: page.map((r) => ({
        ...changeBriefJson(ctx, {
          id: r.id,
          kind: r.kind,
          kb: r.article_kb,
          title: r.title,
          path: r.article_path,
          detectedAt: r.detected_at,
          minor: Number(r.minor) === 1,
          summary: parseSummary(r.summary),
        }),
        path: r.path,
        previousPath: r.previous_path,
        source: r.source,
      })),
      next: rows.length > limit ? `${ctx.config.baseUrl}/api/v1/changes?${next.toString()}` : null,
    });
  };
}
