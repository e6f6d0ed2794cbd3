/** GET /api/v1/search?q=&limit=&offset=&sort= — articles matching a query, with snippets. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { QueryError } from '../../query/index.ts';
import { search } from '../../store/search/index.ts';
import { badRequest } from '../errors.ts';
import { enumParam, intParam, params, textParam } from './params.ts';

export function articleUrl(ctx: Context, a: { kb: number | null; path: string }): string {
  return a.kb
    ? `${ctx.config.baseUrl}/kb/${a.kb}`
    : `${ctx.config.baseUrl}/a/${a.path.split('/').map(encodeURIComponent).join('/')}`;
}

export const SEARCH_SORTS = ['relevance', 'date'] as const;

export function apiSearch(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const qs = params(req.query);
    const q = textParam(qs, 'q', 1000);
    if (!q.trim())
      throw badRequest(
        'api: the q parameter is required: a query in the kbwatch query language',
        'invalid_query',
      );
    const limit = intParam(qs, 'limit', 1, 100, 20);
    const offset = intParam(qs, 'offset', 0, 10_000, 0);
    const sort = enumParam(qs, 'sort', SEARCH_SORTS, 'relevance');
    let result;
    try {
      result = await search(ctx.store, q, { limit, offset, sort });
    } catch (err) {
      if (err instanceof QueryError) throw badRequest(`api: ${err.message}`, 'invalid_query');
      throw err;
    }
    return reply.header('Cache-Control', 'public, max-age=60').send({
      total: result.total,
      results: result.results.map((r) => ({
        kb: r.kb,
        title: r.title,
        path: r.path,
        url: articleUrl(ctx, r),
        snippet: r.snippet,
        technologies: r.technologies,
      })),
    });
  };
}
