/** GET /api/v1/articles/{kb} and GET /api/v1/articles?path= — one article with its revision list. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { findArticleByKb, findArticleByPath } from '../../store/article-read.ts';
import { badRequest, notFound } from '../errors.ts';
import { articleJson } from './article-json.ts';
import { idParam, params, textParam } from './params.ts';

export const API_ARTICLE_CACHE = 'public, max-age=60';

export function apiArticleByKb(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const kb = idParam((req.params as { kb: string }).kb, 'kb');
    const article = await findArticleByKb(ctx.store.db, kb);
    if (!article) throw notFound(`api: no article KB${kb} in the archive`);
    return reply.header('Cache-Control', API_ARTICLE_CACHE).send(await articleJson(ctx, article));
  };
}

export function apiArticleByPath(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const path = textParam(params(req.query), 'path', 1000).trim();
    if (!path)
      throw badRequest(
        'api: the path parameter is required (an article path such as support/windows/x.md); for a KB number use /api/v1/articles/{kb}',
        'invalid_path',
      );
    const article = await findArticleByPath(ctx.store.db, path);
    if (!article) throw notFound(`api: no article at path "${path}"`);
    const { path_current: _current, ...row } = article;
    return reply.header('Cache-Control', API_ARTICLE_CACHE).send(await articleJson(ctx, row));
  };
}
