/** GET /kb/:number — the article page (metadata block, body, revisions). */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { findArticleByKb, revisionsOf, technologiesOfArticle } from '../../store/article-read.ts';
import { notFound } from '../errors.ts';
import { html, raw, safeUrl } from '../html.ts';
import { page } from '../layout.ts';

export function articlePage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { number } = req.params as { number: string };
    const m = /^(?:kb|q)?(\d{1,9})$/i.exec(number);
    if (!m) throw notFound(`"${number}" is not a KB number`);
    const article = await findArticleByKb(ctx.store.db, Number(m[1]));
    if (!article) throw notFound(`No article KB${m[1]} in the archive`);
    const [revisions, techs] = await Promise.all([revisionsOf(ctx.store.db, article.id), technologiesOfArticle(ctx.store.db, article.id)]);
    const products = JSON.parse(article.products) as string[];
    const body = html`<article>
<h1>${article.title}</h1>
<p class="meta">Article ID: ${article.kb ?? '-'} - Last Review: ${article.last_reviewed ?? '-'} - Revision: ${article.revision}${article.retired ? ' - retired' : ''}</p>
${products.length ? html`<h2>Applies to</h2><ul>${products.map((p) => html`<li>${p}</li>`)}</ul>` : ''}
${techs.length ? html`<p>Keywords: ${techs.map((t) => html`<a href="/tech/${t.slug}">${t.name}</a> `)}</p>` : ''}
<div class="body">${raw(article.body_html)}</div>
${article.url ? html`<p><a href="${safeUrl(article.url)}" rel="noopener">Read the original</a></p>` : ''}
<h2>Revisions</h2>
<ol>${revisions.map((r) => html`<li>${r.number} — ${r.seen_at.slice(0, 10)} (${r.source})</li>`)}</ol>
</article>`;
    return reply.type('text/html; charset=utf-8').send(page({ title: article.title, body }));
  };
}
