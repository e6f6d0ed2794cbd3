/**
 * GET /a/<path> — an article without a KB number, by its source path. An old path (the article
 * moved) or the path of an article that has a number redirects (301) to the article's address.
 * `?revision=<id>` shows one revision's text, `?from=<id>&to=<id>` a diff.
 */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { articleHead } from '../../store/article-extras.ts';
import { findArticleByPath } from '../../store/article-read.ts';
import type { Article } from '../../store/schema.ts';
import { notFound } from '../errors.ts';
import { articlePath } from '../urls.ts';
import { showArticle } from './article-show.ts';
import { showDiff, type RevisionPair } from './diff.ts';
import { showRevision } from './revision.ts';

export function articlePathPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const path = ((req.params as Record<string, string>)['*'] ?? '').replace(/^\/+/, '');
    if (!path) throw notFound('No article path given: article addresses look like /a/<path> or /kb/<number>');
    const found = await findArticleByPath(ctx.store.db, path);
    if (!found) throw notFound(`There is no article at ${path}`);
    const { path_current: current, ...article } = found;
    const canonical = articlePath(article as Article);
    if (current === 0 || article.kb || article.path !== path) {
      const q = req.url.indexOf('?');
      return reply.redirect(q >= 0 ? canonical + req.url.slice(q) : canonical, 301);
    }
    const query = req.query as RevisionPair & { revision?: number };
    if (query.revision !== undefined)
      return showRevision(ctx, req, reply, article as Article, query.revision);
    if (query.from !== undefined || query.to !== undefined)
      return showDiff(ctx, req, reply, article as Article, query);
    const head = await articleHead(ctx.store.db, { id: article.id });
    if (!head) throw notFound(`There is no article at ${path}`);
    return showArticle(ctx, req, reply, head);
  };
}
