/** GET /api/v1/technologies/{slug} — one technology (by slug, name or alias) with its aliases and latest changes. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { notFound } from '../errors.ts';
import { latestChanges, resolveTechnology } from '../feeds/latest.ts';
import { changeBriefJson } from './changes.ts';
import { technologyJson } from './technologies.ts';

const LATEST = 20;

export function apiTechnology(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { slug } = req.params as { slug: string };
    const tech = await resolveTechnology(ctx, slug);
    if (!tech) throw notFound(`api: no technology "${slug}"`);
    const [aliases, latest] = await Promise.all([
      ctx.store.db
        .selectFrom('technology_aliases')
        .select('alias')
        .where('technology_id', '=', tech.id)
        .orderBy('alias')
        .execute(),
      latestChanges(ctx, { technology: tech }, LATEST),
    ]);
    return reply.header('Cache-Control', 'public, max-age=300').send({
      ...technologyJson(ctx, tech),
      aliases: aliases.map((a) => a.alias),
      latest: latest.map((c) => changeBriefJson(ctx, c)),
    });
  };
}
