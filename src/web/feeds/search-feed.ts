/** GET /feeds/search.atom?q=<query> — the latest new and updated articles matching a query. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { format, parse, QueryError } from '../../query/index.ts';
import { badRequest } from '../errors.ts';
import { sendFeed } from './send.ts';

export function searchFeed(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const raw = (req.query as Record<string, unknown>).q;
    const text = typeof raw === 'string' ? raw : '';
    if (!text.trim())
      throw badRequest(
        'feeds: the q parameter is required: a query in the kbwatch query language',
        'invalid_query',
      );
    let query;
    try {
      query = parse(text);
    } catch (err) {
      if (err instanceof QueryError) throw badRequest(`feeds: ${err.message}`, 'invalid_query');
      throw err;
    }
    const canonical = format(query);
    const base = ctx.config.baseUrl;
    const q = encodeURIComponent(canonical);
    return sendFeed(
      ctx,
      req,
      reply,
      {
        idPath: `feed/search/${q}`,
        title: `${canonical} – kbwatch`,
        subtitle: `New and updated knowledge-base articles matching ${canonical}`,
        selfUrl: `${base}/feeds/search.atom?q=${q}`,
        alternateUrl: `${base}/search?q=${q}`,
      },
      { query },
    );
  };
}
