/** GET /tech?q=&kind=&page= — all technologies, most articles first, searchable by name and kind. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { listTechnologies, technologyKindCounts } from '../../store/technology-read.ts';
import type { Technology } from '../../store/schema.ts';
import { html } from '../html.ts';
import { pager } from '../pager.ts';
import { currentUser, navUser, type CurrentUser } from '../session.ts';
import { pageNumber, param, plural, sendHtml, sendShared, techHref } from '../view.ts';
import type { PageOptions } from '../layout.ts';
import { pageCache } from '../page-cache.ts';
import { dataVersion } from '../../store/article-extras.ts';

const PAGE_SIZE = 120;
const KINDS: { value: Technology['kind']; label: string }[] = [
  { value: 'product', label: 'Products' },
  { value: 'area', label: 'Areas' },
  { value: 'keyword', label: 'Keywords' },
];

function href(q: string, kind: string, page = 1): string {
  const p = new URLSearchParams();
  if (q) p.set('q', q);
  if (kind) p.set('kind', kind);
  if (page > 1) p.set('page', String(page));
  const s = p.toString();
  return s ? `/tech?${s}` : '/tech';
}

const CACHE_BYTES = 4 * 1024 * 1024;
const SEND = { cache: 'public, max-age=300' };

interface Filter {
  q: string;
  kind: Technology['kind'] | undefined;
  page: number;
}

async function indexOptions(
  ctx: Context,
  { q, kind, page }: Filter,
  current: CurrentUser | null,
): Promise<PageOptions> {
  const [list, counts] = await Promise.all([
    listTechnologies(ctx.store.db, { name: q, kind, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE }),
    technologyKindCounts(ctx.store.db),
  ]);
  const pages = Math.ceil(list.total / PAGE_SIZE);
  const body = html`<h1>Technologies</h1>
<p>Products, areas and keywords the articles are filed under. Each has a page with its latest changes, an Atom feed and a subscribe button.</p>
<form class="filters" method="get" action="/tech" role="search">
<div class="field"><label for="tech-q">Name contains</label><input id="tech-q" name="q" type="search" value="${q}" maxlength="100"></div>
<div class="field"><label for="tech-kind">Kind</label><select id="tech-kind" name="kind">
<option value="">All kinds</option>
${KINDS.map((k) => html`<option value="${k.value}"${k.value === kind ? html` selected` : ''}>${k.label} (${(counts.get(k.value) ?? 0).toLocaleString('en-US')})</option>`)}
</select></div>
<button type="submit">Show</button>
</form>
<p role="status">${plural(list.total, 'technology', 'technologies')}${q ? html` with “${q}” in the name` : ''}${kind ? html` of kind ${kind}` : ''}.</p>
${
  list.technologies.length
    ? html`<ul class="tech-grid">${list.technologies.map((t) => html`<li><a href="${techHref(t.slug)}">${t.name}</a> <span class="count">${plural(t.article_count, 'article')}${kind ? '' : html` · ${t.kind}`}</span></li>`)}</ul>`
    : html`<p>No technology matches. <a href="/tech">Show all</a>.</p>`
}
${pager(page, pages, (p) => href(q, kind ?? '', p))}`;
  return { title: 'Technologies', body, user: navUser(current) };
}

export function techIndexPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const kindParam = param(req.query, 'kind');
    const filter: Filter = {
      q: param(req.query, 'q').trim().slice(0, 100),
      kind: KINDS.find((k) => k.value === kindParam)?.value,
      page: pageNumber(param(req.query, 'page'), 1000),
    };
    const current = await currentUser(ctx, req);
    if (current) return sendHtml(reply, await indexOptions(ctx, filter, current), SEND);
    const version = await dataVersion(ctx.store.db);
    return sendShared(
      reply,
      pageCache(ctx.store, 'tech-index', CACHE_BYTES),
      JSON.stringify([filter.q, filter.kind, filter.page, version]),
      () => indexOptions(ctx, filter, null),
      SEND,
    );
  };
}
