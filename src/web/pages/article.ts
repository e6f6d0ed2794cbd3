/**
 * GET /kb/:number — an article by KB number (a retired one shows with a notice). `KB307175`
 * or `Q307175` in the URL redirects to the plain number.
 */
import type { FastifyReply, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { findArticleByKb } from '../../store/article-read.ts';
import type { Article } from '../../store/schema.ts';
import { notFound } from '../errors.ts';
import { showArticle } from './article-show.ts';

/**
 * The article a `:number` parameter names, or the canonical URL to redirect to when it was
 * written another way (`KB307175`, `q0307175`). Throws 404 for no such article.
 */
export async function articleByKbParam(ctx: Context, number: string): Promise<{ article: Article } | { canonical: number }> {
  const m = /^(?:kb|q)?0*(\d{1,9})$/i.exec(number);
  if (!m || Number(m[1]) === 0) throw notFound(`"${number}" is not a KB number: article addresses look like /kb/307175`);
  const kb = Number(m[1]);
  const article = await findArticleByKb(ctx.store.db, kb);
  if (!article) throw notFound(`There is no article KB${kb} in the archive. Search for it at /search?q=${kb}`);
  return number === String(kb) ? { article } : { canonical: kb };
}

/** 301 to the same page under the canonical number, keeping the rest of the URL. */
export function redirectToCanonical(reply: FastifyReply, url: string, kb: number): FastifyReply {
  const rest = url.replace(/^\/kb\/[^/?]+/, '');
  return reply.redirect(`/kb/${kb}${rest}`, 301);
}

export function articlePage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { number } = req.params as { number: string };
    const found = await articleByKbParam(ctx, number);
    if ('canonical' in found) return redirectToCanonical(reply, req.url, found.canonical);
    return showArticle(ctx, req, reply, found.article);
  };
}
