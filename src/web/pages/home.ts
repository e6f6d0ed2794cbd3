/** GET / — search box, the latest new and updated articles, popular technologies, sign-up call. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { latestChanges, popularTechnologies, type LatestChange } from '../../store/browse.ts';
import type { Technology } from '../../store/schema.ts';
import { html, type SafeHtml } from '../html.ts';
import { currentUser, navUser, type CurrentUser } from '../session.ts';
import { changeBadge, sendHtml, sendShared, techHref, timeTag } from '../view.ts';
import { articlePath } from '../urls.ts';
import type { PageOptions } from '../layout.ts';
import { pageCache } from '../page-cache.ts';
import { dataVersion } from '../../store/article-extras.ts';

export function changeList(changes: LatestChange[]): SafeHtml {
  if (changes.length === 0)
    return html`<p>No new or updated articles yet. They appear here after the first scan.</p>`;
  return html`<ol class="items">${changes.map(
    (c) => html`<li>
<a class="title" href="${articlePath(c)}">${c.title}</a>
<p class="info">${changeBadge(c.kind, c.minor)}${c.kb ? html`KB${c.kb} · ` : ''}${timeTag(c.detectedAt)}</p>
</li>`,
  )}</ol>`;
}

export function techTags(techs: Technology[]): SafeHtml {
  return html`<ul class="tags">${techs.map((t) => html`<li><a href="${techHref(t.slug)}">${t.name} <span class="count">${t.article_count.toLocaleString('en-US')}</span></a></li>`)}</ul>`;
}

const CACHE_BYTES = 1024 * 1024;
const SEND = { cache: 'public, max-age=60' };

async function homeOptions(ctx: Context, current: CurrentUser | null): Promise<PageOptions> {
  const [changes, techs] = await Promise.all([
    latestChanges(ctx.store.db, { limit: 15 }),
    popularTechnologies(ctx.store.db, 30),
  ]);
  const body = html`<section class="hero">
<h1>Know when the knowledge base changes</h1>
<p>Every night kbwatch scans the Microsoft support knowledge base. Subscribe to the technologies you care about and get one e-mail a day, only when articles are new or updated.</p>
<form class="big-search" role="search" action="/search" method="get">
<label for="home-q" class="visually-hidden">Search articles or KB numbers</label>
<input id="home-q" name="q" type="search" placeholder="Search articles, or type a KB number like 307175" maxlength="500">
<button type="submit">Search</button>
</form>
<p><a href="/search/advanced">Advanced search</a></p>
</section>
<div class="columns">
<section aria-labelledby="latest">
<h2 id="latest">Latest new and updated articles</h2>
${changeList(changes)}
</section>
<div>
<section aria-labelledby="popular">
<h2 id="popular">Popular technologies</h2>
${techs.length ? techTags(techs) : html`<p>No technologies yet.</p>`}
<p><a href="/tech">All technologies</a></p>
</section>
${
  current
    ? ''
    : html`<section class="cta" aria-labelledby="cta">
<h2 id="cta">Get the changes by e-mail</h2>
<p>Pick technologies or save a search; get one e-mail a day at most, and none on days without news.</p>
<p><a class="button" href="/signup">Create a free account</a></p>
<p>Already have one? <a href="/login">Log in</a></p>
</section>`
}
</div>
</div>`;
  return {
    title: 'Knowledge-base alerts',
    description:
      'Search the Microsoft knowledge base and get one e-mail a day when articles about your technologies are new or updated.',
    body,
    noHeaderSearch: true,
    user: navUser(current),
  };
}

export function homePage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = await currentUser(ctx, req);
    if (current) return sendHtml(reply, await homeOptions(ctx, current), SEND);
    // The same for every visitor until the next scan changes something.
    const version = await dataVersion(ctx.store.db);
    return sendShared(
      reply,
      pageCache(ctx.store, 'home', CACHE_BYTES),
      `home:${version}`,
      () => homeOptions(ctx, null),
      SEND,
    );
  };
}
