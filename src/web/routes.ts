/** The one route table: every page and endpoint of the site, in one place. */
import type { FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { healthz } from './pages/healthz.ts';
import { apiSearch } from './api/search.ts';
import { articlePage } from './pages/article.ts';

export function registerRoutes(app: FastifyInstance, ctx: Context): void {
  app.get('/healthz', healthz(ctx));
  app.get('/api/v1/search', apiSearch(ctx));
  app.get('/kb/:number', articlePage(ctx));
}
