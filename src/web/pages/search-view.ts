/** The search page's parts: the box, the results with facets and pages, the parser's message. */
import type { Context } from '../../context.ts';
import type { QueryError } from '../../query/index.ts';
import { technologyNames } from '../../store/technology-read.ts';
import type { SearchResponse, SearchResult } from '../../store/search/index.ts';
import { csrfInput } from '../csrf.ts';
import { html, raw, type SafeHtml } from '../html.ts';
import { pager } from '../pager.ts';
import type { CurrentUser } from '../session.ts';
import { plural, searchHref, techHref, timeTag, type SearchParams } from '../view.ts';
import { articlePath } from '../urls.ts';

export function searchBox(q: string, sort?: string): SafeHtml {
  return html`<form class="big-search" role="search" action="/search" method="get">
<label for="search-q" class="visually-hidden">Search articles or KB numbers</label>
<input id="search-q" name="q" type="search" value="${q}" maxlength="500" placeholder="Search articles, or type a KB number">
${sort === 'date' ? html`<input type="hidden" name="sort" value="date">` : ''}
<button type="submit">Search</button>
</form>`;
}

const TIPS = html`<h2>How to search</h2>
<ul>
<li>All words must match: <code>winsock bind</code></li>
<li>Exact phrase: <code>"listening socket"</code>; either word: <code>exchange OR outlook</code>; leave a word out: <code>-linux</code></li>
<li>Fields: <code>title:</code> <code>product:</code> <code>tech:</code> <code>keyword:</code> <code>kb:</code> <code>source:</code>, dates <code>updated:&gt;=2023-01-01</code> <code>reviewed:&lt;2021-01-01</code></li>
<li>A KB number such as <code>307175</code>, <code>KB307175</code> or <code>Q307175</code> opens the article.</li>
</ul>
<p>Or use the <a href="/search/advanced">advanced search form</a>.</p>`;

export function emptySearch(): SafeHtml {
  return html`<h1>Search</h1>${searchBox('')}${TIPS}`;
}

/** The parser's message, with the part of the query it points at marked. */
export function queryErrorBox(q: string, err: QueryError): SafeHtml {
  const start = Math.min(Math.max(err.position, 0), q.length);
  const end = Math.min(start + Math.max(err.length, 1), q.length);
  const shown =
    end > start
      ? html`${q.slice(0, start)}<mark>${q.slice(start, end)}</mark>${q.slice(end)}`
      : html`${q}<mark> </mark>`;
  return html`<h1>Search</h1>
${searchBox(q)}
<div class="notice error" role="alert">
<p><strong>This query cannot be searched:</strong> ${err.message.replace(/^query: /, '')}.</p>
<p><code>${shown}</code></p>
</div>
${TIPS}`;
}

function result(r: SearchResult, names: Map<string, string>): SafeHtml {
  return html`<li>
<a class="title" href="${articlePath(r)}">${r.title}</a>
${r.snippet ? html`<p class="snippet">${raw(r.snippet)}</p>` : ''}
<p class="info">${r.retired ? html`<span class="badge retired">retired</span>` : ''}${r.kb ? html`KB${r.kb} · ` : ''}updated ${timeTag(r.lastChanged)}${r.technologies.length ? ' · ' : ''}${r.technologies.slice(0, 4).map((s, i) => html`${i ? ', ' : ''}<a href="${techHref(s)}">${names.get(s) ?? s}</a>`)}</p>
</li>`;
}

/** Saving the search as a subscription (the account pages' endpoint), or the way to an account. */
function follow(p: SearchParams, current: CurrentUser | null): SafeHtml {
  if (!current) return html`<li><a href="/signup">Sign up to get these by e-mail</a></li>`;
  return html`<li><form method="post" action="/account/subscriptions">${csrfInput(current.csrf)}<input type="hidden" name="query" value="${p.q}"><button type="submit" class="secondary">Get these by e-mail</button></form></li>`;
}

function facets(p: SearchParams, res: SearchResponse, current: CurrentUser | null): SafeHtml {
  const list = res.facets.map((f) =>
    f.slug === p.tech
      ? html`<li><strong aria-current="true">${f.name}</strong> <span class="count">${f.count.toLocaleString('en-US')}</span></li>`
      : html`<li><a href="${searchHref({ q: p.q, sort: p.sort, tech: f.slug })}">${f.name}</a> <span class="count">${f.count.toLocaleString('en-US')}</span></li>`,
  );
  return html`<aside class="sidebar" aria-labelledby="facets">
<h2 id="facets">Technologies</h2>
${list.length ? html`<ul>${list}</ul>` : html`<p>None.</p>`}
${p.tech ? html`<p><a href="${searchHref({ q: p.q, sort: p.sort })}">All technologies</a></p>` : ''}
<h2>More</h2>
<ul>
<li><a href="/search/advanced?${new URLSearchParams({ q: p.q, ...(p.sort === 'date' ? { sort: 'date' } : {}) }).toString()}">Refine in advanced search</a></li>
<li><a href="/feeds/search.atom?${new URLSearchParams({ q: p.q }).toString()}">Atom feed of this search</a></li>
${follow(p, current)}
</ul>
</aside>`;
}

function sortLinks(p: SearchParams): SafeHtml {
  const link = (sort: 'relevance' | 'date', label: string) =>
    p.sort === sort
      ? html`<strong aria-current="true">${label}</strong>`
      : html`<a href="${searchHref({ ...p, sort, page: 1 })}">${label}</a>`;
  return html`<p class="sort">Sort by: ${link('relevance', 'relevance')} ${link('date', 'date')}</p>`;
}

export async function searchResults(
  ctx: Context,
  p: SearchParams,
  res: SearchResponse,
  current: CurrentUser | null,
  pageSize: number,
  maxPage: number,
): Promise<SafeHtml> {
  const names = await technologyNames(
    ctx.store.db,
    res.results.flatMap((r) => r.technologies.slice(0, 4)),
  );
  const tech = p.tech ? (res.facets.find((f) => f.slug === p.tech)?.name ?? p.tech) : '';
  const pages = Math.min(Math.ceil(res.total / pageSize), maxPage);
  const first = (p.page! - 1) * pageSize + 1;
  const summary =
    res.total === 0
      ? html`No articles match <strong>${p.q}</strong>`
      : html`${plural(res.total, 'article')} ${res.total === 1 ? 'matches' : 'match'} <strong>${p.q}</strong>`;
  return html`<h1>Search results</h1>
${searchBox(p.q, p.sort)}
<p class="search-summary" role="status">${summary}${tech ? html` in <a href="${techHref(p.tech!)}">${tech}</a>` : ''}${res.total > pageSize ? html` · showing ${first}–${Math.min(first + pageSize - 1, res.total)}` : ''}.</p>
<div class="with-sidebar">
<div>
${res.total > 0 ? sortLinks(p) : html`<p>Check the spelling, use fewer words, or try the <a href="/search/advanced">advanced search</a>.</p>`}
${res.results.length ? html`<ol class="items" start="${first}">${res.results.map((r) => result(r, names))}</ol>` : ''}
${pager(p.page!, pages, (page) => searchHref({ ...p, page }))}
</div>
${facets(p, res, current)}
</div>`;
}
