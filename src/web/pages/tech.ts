/**
 * GET /tech/:slug — one technology: name, kind, aliases, article count, the latest new and
 * updated articles, a subscribe button and the Atom feed. An alias or another spelling
 * redirects to the technology's slug.
 */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { latestChanges } from '../../store/browse.ts';
import {
  aliasesOfTechnology,
  findTechnologyByAlias,
  findTechnologyBySlug,
} from '../../store/technology-read.ts';
import type { Technology } from '../../store/schema.ts';
import { notFound } from '../errors.ts';
import { html } from '../html.ts';
import { currentUser, navUser, type CurrentUser } from '../session.ts';
import { csrfInput } from '../csrf.ts';
import { plural, searchHref, sendHtml, sendShared, techHref, techQuery } from '../view.ts';
import type { PageOptions } from '../layout.ts';
import { pageCache } from '../page-cache.ts';
import { dataVersion } from '../../store/article-extras.ts';
import { changeList } from './home.ts';

function subscribeBox(t: Technology, current: CurrentUser | null) {
  const feed = `/feeds/tech/${encodeURIComponent(t.slug)}.atom`;
  const button = current
    ? html`<form method="post" action="/account/subscriptions">${csrfInput(current.csrf)}<input type="hidden" name="technology" value="${t.slug}"><button type="submit">Subscribe to ${t.name}</button></form>`
    : html`<a class="button" href="/signup">Sign up to subscribe</a> <a href="/login">or log in</a>`;
  return html`<div class="subscribe">${button}<a href="${feed}" type="application/atom+xml">Atom feed</a></div>`;
}

const CACHE_BYTES = 8 * 1024 * 1024;
const SEND = { cache: 'public, max-age=300' };

async function techOptions(
  ctx: Context,
  tech: Technology,
  current: CurrentUser | null,
): Promise<PageOptions> {
  const [aliases, changes] = await Promise.all([
    aliasesOfTechnology(ctx.store.db, tech.id),
    latestChanges(ctx.store.db, { technology: tech, limit: 25 }),
  ]);
  const shownAliases = aliases.filter((a) => a !== tech.slug && a !== tech.name.toLowerCase());
  const feed = `/feeds/tech/${encodeURIComponent(tech.slug)}.atom`;
  const body = html`<p><a href="/tech">← Technologies</a></p>
<h1>${tech.name}</h1>
<div class="kb-meta"><dl>
<dt>Kind</dt><dd>${tech.kind}</dd>
<dt>Articles</dt><dd><a href="${searchHref({ q: techQuery(tech.slug), sort: 'date' })}">${plural(tech.article_count, 'article')}</a></dd>
${shownAliases.length ? html`<dt>Also known as</dt><dd>${shownAliases.join(', ')}</dd>` : ''}
</dl></div>
${subscribeBox(tech, current)}
<h2>Latest new and updated articles</h2>
${changeList(changes)}
<p><a href="${searchHref({ q: techQuery(tech.slug), sort: 'date' })}">All articles about ${tech.name}</a></p>`;
  return {
    title: tech.name,
    description: `New and updated knowledge-base articles about ${tech.name}.`,
    body,
    user: navUser(current),
    head: html`<link rel="alternate" type="application/atom+xml" title="${tech.name} – kbwatch" href="${feed}">`,
  };
}

export function techPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { slug } = req.params as { slug: string };
    const tech = await findTechnologyBySlug(ctx.store.db, slug);
    if (!tech) {
      const other = await findTechnologyByAlias(ctx.store.db, slug.replace(/-/g, ' '));
      const alias = other ?? (await findTechnologyByAlias(ctx.store.db, slug));
      if (alias) return reply.redirect(techHref(alias.slug), 301);
      throw notFound(`There is no technology "${slug}". The list of technologies is at /tech`);
    }
    const current = await currentUser(ctx, req);
    if (current) return sendHtml(reply, await techOptions(ctx, tech, current), SEND);
    const version = await dataVersion(ctx.store.db);
    return sendShared(
      reply,
      pageCache(ctx.store, 'tech', CACHE_BYTES),
      `${tech.id}:${tech.article_count}:${version}`,
      () => techOptions(ctx, tech, null),
      SEND,
    );
  };
}
