/** GET /api/v1/articles/{kb} and GET /api/v1/articles?path= — one article with its revision list. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { findArticleByKb, findArticleByPath } from '../../store/article-read.ts';
import { badRequest, notFound } from '../errors.ts';
import { articleJson } from './article-json.ts';

export const API_ARTICLE_CACHE = 'public, max-age=60';

export function apiArticleByKb(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { kb } = req.params as { kb: number };
    const article = await findArticleByKb(ctx.store.db, kb);
    if (!article) throw notFound(`api: no article KB${kb} in the archive`);
    return reply.header('Cache-Control', API_ARTICLE_CACHE).send(await articleJson(ctx, article));
  };
}

/** The `path` query parameter; `missing` says what to give when there is none. */
export function pathOf(query: unknown, missing: string): string {
  const path = ((query as { path?: string }).path ?? '').trim();
  if (!path) throw badRequest(missing, 'invalid_path');
  return path;
}

export function apiArticleByPath(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const path = pathOf(
      req.query,
      'api: the path parameter is required (an article path such as support/windows/x.md); for a KB number use /api/v1/articles/{kb}',
    );
    const article = await findArticleByPath(ctx.store.db, path);
    if (!article) throw notFound(`api: no article at path "${path}"`);
    const { path_current: _current, ...row } = article;
    return reply.header('Cache-Control', API_ARTICLE_CACHE).send(await articleJson(ctx, row));
  };
}
