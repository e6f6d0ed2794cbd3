/** GET /api/v1/technologies?q=&kind=&limit=&offset= — technologies by name or alias, most articles first. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { findTechnologies } from '../../store/technology-read.ts';
import type { Technology } from '../../store/schema.ts';

export const TECHNOLOGY_KINDS = ['product', 'area', 'keyword'] as const;

export interface TechnologiesQuery {
  q?: string;
  kind?: Technology['kind'];
  limit?: number;
  offset?: number;
}

export function technologyJson(ctx: Context, t: Technology) {
  const slug = encodeURIComponent(t.slug);
  return {
    slug: t.slug,
    name: t.name,
    kind: t.kind,
    articleCount: Number(t.article_count),
    url: `${ctx.config.baseUrl}/tech/${slug}`,
    feed: `${ctx.config.baseUrl}/feeds/tech/${slug}.atom`,
  };
}

export function apiTechnologies(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { q = '', kind, limit = 50, offset = 0 } = req.query as TechnologiesQuery;
    const { total, technologies } = await findTechnologies(ctx.store.db, { text: q, kind, limit, offset });
    return reply
      .header('Cache-Control', 'public, max-age=300')
      .send({ total, results: technologies.map((t) => technologyJson(ctx, t)) });
  };
}
