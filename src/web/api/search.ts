/** GET /api/v1/search?q=&limit= */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { QueryError } from '../../query/index.ts';
import { search } from '../../store/search.ts';
import { badRequest } from '../errors.ts';

export function articleUrl(ctx: Context, a: { kb: number | null; path: string }): string {
  return a.kb ? `${ctx.config.baseUrl}/kb/${a.kb}` : `${ctx.config.baseUrl}/a/${a.path.split('/').map(encodeURIComponent).join('/')}`;
}

export function apiSearch(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const query = req.query as Record<string, unknown>;
    const q = typeof query.q === 'string' ? query.q : '';
    if (!q.trim()) throw badRequest('the q parameter is required: a query in the kbwatch query language', 'invalid_query');
    const limitRaw = query.limit === undefined ? '20' : String(query.limit);
    const limit = Number(limitRaw);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw badRequest(`limit must be a whole number from 1 to 100, got "${limitRaw}"`, 'invalid_limit');
    let result;
    try {
      result = await search(ctx.store, q, { limit });
    } catch (err) {
      if (err instanceof QueryError) throw badRequest(err.message, 'invalid_query');
      throw err;
    }
    return reply.header('Cache-Control', 'public, max-age=60').send({
      total: result.total,
      results: result.results.map((r) => ({ kb: r.kb, title: r.title, path: r.path, url: articleUrl(ctx, r), snippet: r.snippet, technologies: r.technologies })),
    });
  };
}
