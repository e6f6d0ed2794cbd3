/**
 * GET /kb/:number/diff?from=<revId>&to=<revId> (and /a/<path>?from=&to=) — what changed
 * between two revisions of one article, words added and removed marked. Without both ids it
 * compares the last two revisions.
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { revisionsOf, revisionText } from '../../store/article-read.ts';
import { sourceOf } from '../../store/article-extras.ts';
import type { Article } from '../../store/schema.ts';
import { renderDiff } from '../diff-html.ts';
import { badRequest, notFound } from '../errors.ts';
import { html } from '../html.ts';
import { currentUser, navUser } from '../session.ts';
import { plural, sendHtml, timeTag } from '../view.ts';
import { articlePath, revisionPath } from '../urls.ts';
import { articleByKbParam, redirectToCanonical } from './article.ts';

/** The revisions to compare (`?from=&to=`, checked by the route's schema); neither: the last two. */
export interface RevisionPair {
  from?: number;
  to?: number;
}

export async function showDiff(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  article: Article,
  pair: RevisionPair,
): Promise<FastifyReply> {
  const db = ctx.store.db;
  let fromId: number;
  let toId: number;
  if (pair.from !== undefined || pair.to !== undefined) {
    if (pair.from === undefined || pair.to === undefined)
      throw badRequest(
        `${pair.from === undefined ? 'from' : 'to'} is required: the id of a revision to compare`,
      );
    [fromId, toId] = [pair.from, pair.to];
  } else {
    const [all, source] = await Promise.all([revisionsOf(db, article.id), sourceOf(db, article.source_id)]);
    if (all.length < 2)
      throw notFound(
        `Article ${article.kb ? `KB${article.kb}` : article.path} has only ${plural(all.length, 'revision')}: nothing to compare`,
      );
    // The last two revisions of the source the article shows, if it has two (a classic text
    // compared with its modern rewrite is all change); else the last two of any source.
    const own = all.filter((r) => r.source === source?.name);
    const pair = own.length >= 2 ? own.slice(-2) : all.slice(-2);
    [fromId, toId] = [pair[0].id, pair[1].id];
  }
  const [from, to, current] = await Promise.all([
    revisionText(db, article.id, fromId),
    revisionText(db, article.id, toId),
    currentUser(ctx, req),
  ]);
  if (!from || !to)
    throw notFound(
      `Article ${article.kb ? `KB${article.kb}` : article.path} has no revision ${!from ? fromId : toId}`,
    );
  const diff = renderDiff(from.text, to.text);
  const title =
    from.title === to.title ? html`${to.title}` : html`<del>${from.title}</del> <ins>${to.title}</ins>`;
  const body = html`<p><a href="${articlePath(article)}">← ${article.title}</a></p>
<h1>Changes in ${article.kb ? `KB${article.kb}` : 'this article'}</h1>
<p>From revision <a href="${revisionPath(article, from.id)}">${from.number}</a> (${timeTag(from.seen_at)}) to revision <a href="${revisionPath(article, to.id)}">${to.number}</a> (${timeTag(to.seen_at)}).</p>
<p class="legend">${diff.changed ? html`<ins>${plural(diff.wordsAdded, 'word')} added</ins> · <del>${plural(diff.wordsRemoved, 'word')} removed</del>` : 'The text of these revisions is the same; only metadata changed.'}</p>
<h2 class="diff-title">${title}</h2>
${diff.html}`;
  return sendHtml(
    reply,
    { title: `Changes in ${article.title}`, body, user: navUser(current), noindex: true },
    { cache: 'public, max-age=3600' },
  );
}

export function diffPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { number } = req.params as { number: string };
    const found = await articleByKbParam(ctx, number);
    if ('canonical' in found) return redirectToCanonical(reply, req.url, found.canonical);
    return showDiff(ctx, req, reply, found.article, req.query as RevisionPair);
  };
}
