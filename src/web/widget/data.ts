/**
 * GET /widget/data.json?tech=&q=&count= — the latest matching articles for the script widget,
 * readable from any origin (no credentials), cacheable for five minutes, errors as JSON.
 */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { articleUrl } from '../api/search.ts';
import { HttpError } from '../errors.ts';
import { latestArticles } from '../feeds/latest.ts';
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
      url: articleUrl(ctx, a),
      updated: a.lastChanged,
    })),
  };
}

export function widgetDataRoute(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    allowAnyOrigin(reply).type('application/json; charset=utf-8');
    try {
      const data = await widgetData(ctx, req.query);
      return widgetHeaders(reply).send(data);
    } catch (err) {
      if (!(err instanceof HttpError)) throw err;
      return reply
        .code(err.status)
        .header('Cache-Control', 'no-store')
        .send({ error: { code: err.code, message: err.message } });
    }
  };
}
