/**
 * GET /kb/:number/revisions/:rev (and /a/<path>?revision=) — one revision's text as it was
 * seen, such as the classic Q-article behind a modern one.
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { revisionText } from '../../store/article-read.ts';
import { currentRevisionId, sourceOf } from '../../store/article-extras.ts';
import type { Article } from '../../store/schema.ts';
import { notFound } from '../errors.ts';
import { html } from '../html.ts';
import { currentUser, navUser } from '../session.ts';
import { sendHtml, timeTag } from '../view.ts';
import { articlePath, diffPath } from '../urls.ts';
import { articleByKbParam, redirectToCanonical } from './article.ts';

export async function showRevision(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  article: Article,
  id: number,
): Promise<FastifyReply> {
  const rev = await revisionText(ctx.store.db, article.id, id);
  if (!rev) throw notFound(`Article ${article.kb ? `KB${article.kb}` : article.path} has no revision ${id}`);
  const [source, current, latest] = await Promise.all([
    sourceOf(ctx.store.db, rev.source_id),
    currentUser(ctx, req),
    currentRevisionId(ctx.store.db, article),
  ]);
  const classic = source?.kind === 'classic' && article.kb;
  const body = html`<p><a href="${articlePath(article)}">← ${article.title}</a></p>
<h1>${rev.title}</h1>
<div class="kb-meta"><dl>
<dt>Article ID</dt><dd>${article.kb ?? article.path}${classic ? html` (published as Q${article.kb})` : ''}</dd>
<dt>Revision</dt><dd>${rev.number}</dd>
<dt>Seen</dt><dd>${timeTag(rev.seen_at)}</dd>
<dt>Source</dt><dd>${source?.name ?? 'unknown'}${rev.path ? html` · ${rev.path}` : ''}</dd>
</dl></div>
${latest && latest !== rev.id ? html`<p><a href="${diffPath(article, rev.id, latest)}">Compare with the current revision</a></p>` : ''}
<div class="revision-text">${rev.text}</div>`;
  return sendHtml(
    reply,
    { title: `${rev.title} (revision ${rev.number})`, body, user: navUser(current), noindex: true },
    { cache: 'public, max-age=3600' },
  );
}

export function revisionPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { number, rev } = req.params as { number: string; rev: number };
    const found = await articleByKbParam(ctx, number);
    if ('canonical' in found) return redirectToCanonical(reply, req.url, found.canonical);
    return showRevision(ctx, req, reply, found.article, rev);
  };
}
