/** GET /api/v1/technologies?q=&kind=&limit=&offset= — technologies by name, most articles first. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import type { Technology } from '../../store/schema.ts';
import { enumParam, intParam, params, textParam } from './params.ts';

export const TECHNOLOGY_KINDS = ['product', 'area', 'keyword'] as const;

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

function escapeLike(value: string): string {
  return value.replace(/[!%_]/g, '!$&');
}

export function apiTechnologies(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const qs = params(req.query);
    const q = textParam(qs, 'q', 200).trim().toLowerCase();
    const kind = enumParam(qs, 'kind', TECHNOLOGY_KINDS, undefined);
    const limit = intParam(qs, 'limit', 1, 500, 50);
    const offset = intParam(qs, 'offset', 0, 100_000, 0);
    let query = ctx.store.db.selectFrom('technologies as t');
    if (kind) query = query.where('t.kind', '=', kind);
    if (q) {
      const pattern = `%${escapeLike(q)}%`;
      query = query.where((eb) =>
        eb.or([
          eb(eb.fn('lower', ['t.name']), 'like', eb.val(pattern).$castTo<string>()),
          eb(
            't.id',
            'in',
            eb.selectFrom('technology_aliases').select('technology_id').where('alias', 'like', pattern),
          ),
        ]),
      );
    }
    const [rows, total] = await Promise.all([
      query
        .selectAll('t')
        .orderBy('t.article_count', 'desc')
        .orderBy('t.name')
        .orderBy('t.id')
        .limit(limit)
        .offset(offset)
        .execute(),
      query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
    ]);
    return reply
      .header('Cache-Control', 'public, max-age=300')
      .send({ total: Number(total.n), results: rows.map((t) => technologyJson(ctx, t)) });
  };
}
