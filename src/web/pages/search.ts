/**
 * GET /search?q=&sort=relevance|date&page=&tech= — results with highlighted snippets,
 * technology facets, sort and pages. A KB-number query goes straight to the article; a query
 * that does not parse shows the parser's message (400) in a full page.
 */
import type { FastifyReply, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { kbJump, QueryError } from '../../query/index.ts';
import { findArticleByKb } from '../../store/article-read.ts';
import { search, type SearchResponse } from '../../store/search.ts';
import type { SafeHtml } from '../html.ts';
import { currentUser, navUser, type CurrentUser } from '../session.ts';
import { pageNumber, param, sendHtml, type SearchParams } from '../view.ts';
import { advancedSubmit } from './advanced.ts';
import { emptySearch, queryErrorBox, searchResults } from './search-view.ts';

export const PAGE_SIZE = 20;
/** Deeper pages cost the database more than they help anyone. */
const MAX_PAGE = 50;

function readParams(query: unknown): SearchParams {
  const sort = param(query, 'sort') === 'date' ? 'date' : 'relevance';
  return { q: param(query, 'q').trim(), sort, page: pageNumber(param(query, 'page'), MAX_PAGE), tech: param(query, 'tech').trim().toLowerCase() || undefined };
}

function send(reply: FastifyReply, current: CurrentUser | null, p: SearchParams, body: SafeHtml, status = 200): FastifyReply {
  const title = p.q ? `${p.q} – search` : 'Search';
  return sendHtml(reply, { title, body, user: navUser(current), noHeaderSearch: true, noindex: true }, { status, cache: 'public, max-age=60' });
}

export function searchPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    if (param(req.query, 'adv')) return advancedSubmit(ctx, req, reply);
    const p = readParams(req.query);
    const current = await currentUser(ctx, req);
    if (!p.q) return send(reply, current, p, emptySearch());

    const kb = kbJump(p.q);
    if (kb !== null) {
      const article = await findArticleByKb(ctx.store.db, kb);
      if (article) return reply.header('Cache-Control', 'public, max-age=300').redirect(`/kb/${kb}`, 302);
    }
    let result: SearchResponse;
    try {
      result = await search(ctx.store, p.q, { limit: PAGE_SIZE, offset: (p.page! - 1) * PAGE_SIZE, sort: p.sort, technology: p.tech });
    } catch (err) {
      if (err instanceof QueryError) return send(reply, current, p, queryErrorBox(p.q, err), 400);
      throw err;
    }
    return send(reply, current, p, await searchResults(ctx, p, result, current, PAGE_SIZE, MAX_PAGE));
  };
}
