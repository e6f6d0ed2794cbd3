/**
 * GET /widget/data.json?tech=&q=&count= — the latest matching articles for the script widget,
 * readable from any origin (no credentials), cacheable for five minutes, errors as JSON.
 */
import type { FastifyError, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { clientError, prepare } from '../error-handler.ts';
import { latestArticles } from '../feeds/latest.ts';
import { articleUrl } from '../urls.ts';
import { allowAnyOrigin, widgetHeaders } from './headers.ts';
import { resolveWidget, widgetMoreUrl, widgetTitle } from './params.ts';

export interface WidgetData {
  title: string;
  more: string;
  items: { kb: number | null; title: string; url: string; updated: string }[];
}

export async function widgetData(ctx: Context, query: unknown): Promise<WidgetData> {
  const w = await resolveWidget(ctx, query);
  const articles = await latestArticles(ctx, { technology: w.technology, query: w.query }, w.count);
  return {
    title: widgetTitle(w),
    more: widgetMoreUrl(ctx, w),
    items: articles.map((a) => ({
      kb: a.kb,
      title: a.title,
      url: articleUrl(ctx.config.baseUrl, a),
      updated: a.lastChanged,
    })),
  };
}

export function widgetDataRoute(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const data = await widgetData(ctx, req.query);
    return widgetHeaders(allowAnyOrigin(reply).type('application/json; charset=utf-8')).send(data);
  };
}

/** Bad options as JSON any origin can read, never cached; anything else goes to the site's handler. */
export function widgetDataErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = clientError(req, err);
  if (!e) throw err;
  return prepare(allowAnyOrigin(reply), e)
    .type('application/json; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .send({ error: { code: e.code, message: e.message } });
}
