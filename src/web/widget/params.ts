/**
 * The options every widget form shares (technology, query, count, theme): their shapes are
 * checked by the route's schema; here the technology and the query are resolved.
 */
import type { Context } from '../../context.ts';
import { parse, QueryError, type Query } from '../../query/index.ts';
import type { Technology } from '../../store/schema.ts';
import { resolveTechnology } from '../../store/technology-read.ts';
import { badRequest, HttpError } from '../errors.ts';

export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export const DEFAULT_COUNT = 5;
export const MAX_COUNT = 20;

export interface WidgetOptions {
  /** As given (trimmed); '' for none. */
  tech: string;
  q: string;
  count: number;
  theme: Theme;
}

export interface ResolvedWidget extends WidgetOptions {
  technology?: Technology;
  query?: Query;
}

/** The options as the route's schema let them through (see route-schemas.ts). */
export interface WidgetQuery {
  tech?: string;
  q?: string;
  count?: number;
  theme?: Theme;
}

/** The options with their defaults, text trimmed. */
export function readWidgetOptions(query: unknown): WidgetOptions {
  const { tech = '', q = '', count = DEFAULT_COUNT, theme = 'light' } = (query ?? {}) as WidgetQuery;
  return { tech: tech.trim(), q: q.trim(), count, theme };
}

/** Reads the options and resolves the technology (404 if unknown) and the query (400 if malformed). */
export async function resolveWidget(ctx: Context, query: unknown): Promise<ResolvedWidget> {
  const opts = readWidgetOptions(query);
  const out: ResolvedWidget = { ...opts };
  if (opts.tech) {
    out.technology = await resolveTechnology(ctx.store.db, opts.tech);
    if (!out.technology)
      throw new HttpError(404, 'unknown_technology', `widget: no technology "${opts.tech}"`);
  }
  if (opts.q) {
    try {
      out.query = parse(opts.q);
    } catch (err) {
      if (err instanceof QueryError) throw badRequest(`widget: ${err.message}`, 'invalid_query');
      throw err;
    }
  }
  return out;
}

/** A heading for the list: the technology's name, the query, or both. */
export function widgetTitle(w: ResolvedWidget): string {
  const what = [w.technology?.name, w.q].filter(Boolean).join(' · ');
  return what ? `Latest articles: ${what}` : 'Latest knowledge-base articles';
}

/** Where the list continues on the site: the technology page or the search. */
export function widgetMoreUrl(ctx: Context, w: ResolvedWidget): string {
  const base = ctx.config.baseUrl;
  if (w.technology && !w.q) return `${base}/tech/${encodeURIComponent(w.technology.slug)}`;
  const q = [w.technology ? `tech:${w.technology.slug}` : '', w.q].filter(Boolean).join(' ');
  return q ? `${base}/search?q=${encodeURIComponent(q)}&sort=date` : base;
}

/** The query string of a widget URL for these options (empty values left out). */
export function widgetQueryString(o: Partial<WidgetOptions>): string {
  const p = new URLSearchParams();
  if (o.tech) p.set('tech', o.tech);
  if (o.q) p.set('q', o.q);
  if (o.count !== undefined) p.set('count', String(o.count));
  if (o.theme) p.set('theme', o.theme);
  return p.toString();
}
