/**
 * GET /api/v1/articles/{kb}/revisions/{id} and GET /api/v1/articles/revisions/{id}?path= —
 * one revision of an article with its full text.
 */
import type { FastifyReply, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { sourceOf } from '../../store/article-extras.ts';
import { findArticleByKb, findArticleByPath, revisionText } from '../../store/article-read.ts';
import type { Article } from '../../store/schema.ts';
import { notFound } from '../errors.ts';
import { pathOf } from './article.ts';
import { revisionJson } from './article-json.ts';

async function sendRevision(
  ctx: Context,
  reply: FastifyReply,
  article: Article,
  id: number,
  label: string,
): Promise<FastifyReply> {
  const revision = await revisionText(ctx.store.db, article.id, id);
  if (!revision) throw notFound(`api: article ${label} has no revision ${id}`);
  const source = await sourceOf(ctx.store.db, revision.source_id);
  // A revision never changes: clients may keep it for a day.
  return reply
    .header('Cache-Control', 'public, max-age=86400')
    .send(revisionJson(ctx, article, revision, source?.name ?? null));
}

export function apiRevisionByKb(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { kb, id } = req.params as { kb: number; id: number };
    const article = await findArticleByKb(ctx.store.db, kb);
    if (!article) throw notFound(`api: no article KB${kb} in the archive`);
    return sendRevision(ctx, reply, article, id, `KB${kb}`);
  };
}

export function apiRevisionByPath(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { id } = req.params as { id: number };
    const path = pathOf(
      req.query,
      'api: the path parameter is required (the article path); for a KB number use /api/v1/articles/{kb}/revisions/{id}',
    );
    const found = await findArticleByPath(ctx.store.db, path);
    if (!found) throw notFound(`api: no article at path "${path}"`);
    const { path_current: _current, ...article } = found;
    return sendRevision(ctx, reply, article, id, `"${path}"`);
  };
}
