/**
 * GET /search?q=&sort=relevance|date&page=&tech= — results with highlighted snippets,
 * technology facets, sort and pages. A KB-number query goes straight to the article; a query
 * that does not parse shows the parser's message (400) in a full page.
 */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { kbJump, parse, QueryError } from '../../query/index.ts';
import { findArticleByKb } from '../../store/article-read.ts';
import { dataVersion } from '../../store/article-extras.ts';
import { search } from '../../store/search/index.ts';
import type { SafeHtml } from '../html.ts';
import { currentUser, navUser, type CurrentUser } from '../session.ts';
import type { PageOptions } from '../layout.ts';
import { pageCache } from '../page-cache.ts';
import { pageNumber, param, sendHtml, sendShared, type SearchParams } from '../view.ts';
import { advancedSubmit } from './advanced.ts';
import { emptySearch, queryErrorBox, searchResults } from './search-view.ts';

export const PAGE_SIZE = 20;
/** Deeper pages cost the database more than they help anyone. */
const MAX_PAGE = 50;

function readParams(query: unknown): SearchParams {
  const sort = param(query, 'sort') === 'date' ? 'date' : 'relevance';
  return {
    q: param(query, 'q').trim(),
    sort,
    page: pageNumber(param(query, 'page'), MAX_PAGE),
    tech: param(query, 'tech').trim().toLowerCase() || undefined,
  };
}

const SEND = { cache: 'public, max-age=60' };
const CACHE_BYTES = 8 * 1024 * 1024;

function options(current: CurrentUser | null, p: SearchParams, body: SafeHtml): PageOptions {
  return {
    title: p.q ? `${p.q} – search` : 'Search',
    body,
    user: navUser(current),
    noHeaderSearch: true,
    noindex: true,
  };
}

async function resultsPage(ctx: Context, p: SearchParams, current: CurrentUser | null): Promise<PageOptions> {
  const result = await search(ctx.store, p.q, {
    limit: PAGE_SIZE,
    offset: (p.page! - 1) * PAGE_SIZE,
    sort: p.sort,
    technology: p.tech,
    facets: true,
  });
  return options(current, p, await searchResults(ctx, p, result, current, PAGE_SIZE, MAX_PAGE));
}

export function searchPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    if (param(req.query, 'adv')) return advancedSubmit(ctx, req, reply);
    const p = readParams(req.query);
    const current = await currentUser(ctx, req);
    if (!p.q) return sendHtml(reply, options(current, p, emptySearch()), SEND);
    try {
      parse(p.q);
    } catch (err) {
      if (err instanceof QueryError)
        return sendHtml(reply, options(current, p, queryErrorBox(p.q, err)), { ...SEND, status: 400 });
      throw err;
    }
    const kb = kbJump(p.q);
    if (kb !== null) {
      const article = await findArticleByKb(ctx.store.db, kb);
      if (article) return reply.header('Cache-Control', 'public, max-age=300').redirect(`/kb/${kb}`, 302);
    }
    if (current) return sendHtml(reply, await resultsPage(ctx, p, current), SEND);
    // Results change only when a scan changes articles: one rendering per query and scan.
    const version = await dataVersion(ctx.store.db);
    const key = JSON.stringify([p.q, p.sort, p.page, p.tech ?? '', version]);
    return sendShared(
      reply,
      pageCache(ctx.store, 'search', CACHE_BYTES),
      key,
      () => resultsPage(ctx, p, null),
      SEND,
    );
  };
}
