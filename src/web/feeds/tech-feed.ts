/** GET /feeds/tech/<slug>.atom — the latest new and updated articles of one technology. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { notFound } from '../errors.ts';
import { resolveTechnology } from '../../store/technology-read.ts';
import { sendFeed } from './send.ts';

export function techFeed(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { file } = req.params as { file: string };
    if (!file.endsWith('.atom'))
      throw notFound(`feeds: "${file}" is not a feed; technology feeds end in .atom`);
    const slug = file.slice(0, -'.atom'.length);
    const tech = await resolveTechnology(ctx.store.db, slug);
    if (!tech) throw notFound(`feeds: no technology "${slug}"`);
    const base = ctx.config.baseUrl;
    return sendFeed(
      ctx,
      req,
      reply,
      {
        idPath: `feed/tech/${tech.slug}`,
        title: `${tech.name} – kbwatch`,
        subtitle: `New and updated knowledge-base articles about ${tech.name}`,
        selfUrl: `${base}/feeds/tech/${encodeURIComponent(tech.slug)}.atom`,
        alternateUrl: `${base}/tech/${encodeURIComponent(tech.slug)}`,
      },
      { technology: tech },
    );
  };
}
