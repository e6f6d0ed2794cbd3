/** GET /api/v1/search?q=&limit=&offset=&sort= — articles matching a query, with snippets. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { QueryError } from '../../query/index.ts';
import { search } from '../../store/search/index.ts';
import { badRequest } from '../errors.ts';
import { articleUrl } from '../urls.ts';

export const SEARCH_SORTS = ['relevance', 'date'] as const;

export interface SearchQuery {
  q?: string;
  limit?: number;
  offset?: number;
  sort?: (typeof SEARCH_SORTS)[number];
}

export function apiSearch(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { q = '', limit = 20, offset = 0, sort = 'relevance' } = req.query as SearchQuery;
    if (!q.trim())
      throw badRequest(
        'api: the q parameter is required: a query in the kbwatch query language',
        'invalid_query',
      );
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
        url: articleUrl(ctx.config.baseUrl, r),
        snippet: r.snippet,
        technologies: r.technologies,
      })),
    });
  };
}
