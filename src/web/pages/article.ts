/**
 * GET /kb/:number — an article by KB number (a retired one shows with a notice). `KB307175`
 * or `Q307175` in the URL redirects to the plain number.
 */
import type { FastifyReply, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { articleHead } from '../../store/article-extras.ts';
import { findArticleByKb } from '../../store/article-read.ts';
import type { Article } from '../../store/schema.ts';
import { notFound } from '../errors.ts';
import { showArticle } from './article-show.ts';

/** The KB number a `:number` parameter names, and whether it was written the canonical way. */
export function kbParam(number: string): { kb: number; canonical: boolean } {
  const m = /^(?:kb|q)?0*(\d{1,9})$/i.exec(number);
  if (!m || Number(m[1]) === 0)
    throw notFound(`"${number}" is not a KB number: article addresses look like /kb/307175`);
  return { kb: Number(m[1]), canonical: number === m[1] };
}

const noSuchArticle = (kb: number) =>
  notFound(`There is no article KB${kb} in the archive. Search for it at /search?q=${kb}`);

/**
 * The article a `:number` parameter names, or the canonical URL to redirect to when it was
 * written another way (`KB307175`, `q0307175`). Throws 404 for no such article.
 */
export async function articleByKbParam(
  ctx: Context,
  number: string,
): Promise<{ article: Article } | { canonical: number }> {
  const { kb, canonical } = kbParam(number);
  const article = await findArticleByKb(ctx.store.db, kb);
  if (!article) throw noSuchArticle(kb);
  return canonical ? { article } : { canonical: kb };
}

/** 301 to the same page under the canonical number, keeping the rest of the URL. */
export function redirectToCanonical(reply: FastifyReply, url: string, kb: number): FastifyReply {
  const rest = url.replace(/^\/kb\/[^/?]+/, '');
  return reply.redirect(`/kb/${kb}${rest}`, 301);
}

export function articlePage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { kb, canonical } = kbParam((req.params as { number: string }).number);
    const head = await articleHead(ctx.store.db, { kb });
    if (!head) throw noSuchArticle(kb);
    if (!canonical) return redirectToCanonical(reply, req.url, kb);
    return showArticle(ctx, req, reply, head);
  };
}
