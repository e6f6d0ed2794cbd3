/** GET /api/v1/technologies/{slug} — one technology (by slug, name or alias) with its aliases and latest changes. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { aliasesOfTechnology, resolveTechnology } from '../../store/technology-read.ts';
import { notFound } from '../errors.ts';
import { latestChanges } from '../feeds/latest.ts';
import { changeBriefJson } from './changes.ts';
import { technologyJson } from './technologies.ts';

const LATEST = 20;

export function apiTechnology(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { slug } = req.params as { slug: string };
    const tech = await resolveTechnology(ctx.store.db, slug);
    if (!tech) throw notFound(`api: no technology "${slug}"`);
    const [aliases, latest] = await Promise.all([
      aliasesOfTechnology(ctx.store.db, tech.id),
      latestChanges(ctx, { technology: tech }, LATEST),
    ]);
    return reply.header('Cache-Control', 'public, max-age=300').send({
      ...technologyJson(ctx, tech),
      aliases,
      latest: latest.map((c) => changeBriefJson(ctx, c)),
    });
  };
}
