/**
 * Renders an article page for a resolved article: ETag first (article, revision, feedback
 * count, newest change, the visitor's form token), 304 when the browser has it, else the
 * metadata block, body, history, "Mentioned in" and feedback.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { findArticleById, revisionsOf, technologiesOfArticle } from '../../store/article-read.ts';
import { mentionsOf, sourceOf, type ArticleHead } from '../../store/article-extras.ts';
import { listApprovedFeedback } from '../../store/feedback.ts';
import type { Article } from '../../store/schema.ts';
import { anonymousCsrfToken } from '../csrf.ts';
import { html } from '../html.ts';
import { page } from '../layout.ts';
import { pageCache } from '../page-cache.ts';
import { currentUser, navUser, type CurrentUser } from '../session.ts';
import { notFound } from '../errors.ts';
import { etagMatches } from '../static.ts';
import { longDate, param } from '../view.ts';
import { articleUrl } from '../urls.ts';
import {
  articleBody,
  history,
  mentionedIn,
  metaBlock,
  previouslyPublished,
  sourceNote,
  type ArticleView,
} from './article-view.ts';
import { feedbackSection, type FeedbackFormState } from './feedback-view.ts';

export interface ShowOptions {
  /** Set when a feedback post is shown again with its problem (never answered with 304). */
  status?: number;
  feedback?: FeedbackFormState;
}

function short(value: string): string {
  return createHash('sha256').update(value).digest('base64url').slice(0, 16);
}

function retiredNotice(a: Article) {
  return a.retired
    ? html`<div class="notice warn" role="note"><p><strong>Retired article.</strong> This article is no longer published by its source; this is the last copy kbwatch saw (${longDate(a.last_changed)}).</p></div>`
    : '';
}

/**
 * Rendered pages of anonymous visitors, with a placeholder where the visitor's own form token
 * goes (the placeholder is random per process, so no article text can contain it).
 */
const CACHE_BYTES = 32 * 1024 * 1024;
const TOKEN_SLOT = `csrf-slot-${randomBytes(12).toString('hex')}`;

interface RenderInput {
  current: CurrentUser | null;
  token: string;
  state: FeedbackFormState;
  version: string;
}

async function renderArticlePage(ctx: Context, article: Article, r: RenderInput): Promise<string> {
  const db = ctx.store.db;
  const [revisions, techs, source, feedback, mentions] = await Promise.all([
    revisionsOf(db, article.id),
    technologiesOfArticle(db, article.id),
    sourceOf(db, article.source_id),
    listApprovedFeedback(db, article.id),
    mentionsOf(ctx.store, article, r.version),
  ]);
  const view: ArticleView = {
    article,
    source,
    revisions,
    techs: new Map(techs.map((t) => [t.slug, t.name])),
    mentions,
  };
  const body = html`<article aria-labelledby="article-title">
<h1 id="article-title">${article.title}</h1>
${retiredNotice(article)}
${metaBlock(view)}
${previouslyPublished(view)}
${articleBody(article)}
${sourceNote(view)}
</article>
${history(view)}
${mentionedIn(view)}
${feedbackSection(feedback, article.id, r.token, r.state)}`;
  return page({
    title: article.title,
    description: article.description || undefined,
    canonical: articleUrl(ctx.config.baseUrl, article),
    body,
    user: navUser(r.current),
  });
}

/** The article page of `head` (see articleHead); the full article is read only to render it. */
export async function showArticle(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  head: ArticleHead,
  opts: ShowOptions = {},
): Promise<FastifyReply> {
  const current = await currentUser(ctx, req);
  const token = current ? current.csrf : anonymousCsrfToken(ctx, req, reply);
  const postedParam = param(req.query, 'feedback');
  const posted = postedParam === 'approved' || postedParam === 'pending' ? postedParam : undefined;
  const content = [
    head.id,
    head.revision,
    head.meta_hash,
    head.content_hash,
    head.retired,
    head.feedback,
    head.version,
    posted ?? '',
  ].join('|');
  const etag = `W/"a${head.id}-${short(`${content}|${current?.user.id ?? 0}|${token}`)}"`;
  reply.header('ETag', etag).header('Cache-Control', 'private, no-cache').header('Vary', 'Cookie');
  if (!opts.status && etagMatches(req.headers['if-none-match'], etag)) return reply.code(304).send();

  const state: FeedbackFormState = opts.feedback ?? { values: { name: '', contact: '', body: '' }, posted };
  // Only the plain page of an anonymous visitor is shared; forms shown again with a problem
  // and signed-in pages are rendered for their reader alone.
  const shared = !current && !opts.feedback;
  const rendered = pageCache(ctx.store, 'article', CACHE_BYTES);
  let text = shared ? rendered.get(content) : undefined;
  if (text === undefined) {
    const article = await findArticleById(ctx.store.db, head.id);
    if (!article)
      throw notFound(`Article ${head.kb ? `KB${head.kb}` : head.path} is no longer in the archive`);
    text = await renderArticlePage(ctx, article, {
      current,
      token: shared ? TOKEN_SLOT : token,
      state,
      version: head.version,
    });
    if (shared) rendered.set(content, text);
  }
  return reply
    .code(opts.status ?? 200)
    .type('text/html; charset=utf-8')
    .send(shared ? text.replace(TOKEN_SLOT, token) : text);
}
