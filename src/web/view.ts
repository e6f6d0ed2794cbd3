/**
 * Small pieces the public pages share: links to technologies and searches, dates, change
 * badges, sending a page with its cache policy (article addresses are in urls.ts).
 */
import type { FastifyReply } from 'fastify';
import { html, type SafeHtml } from './html.ts';
import { page, type PageOptions } from './layout.ts';
import type { PageCache } from './page-cache.ts';

/** The query text for one technology (`tech:slug`, quoted when the slug is not one word). */
export function techQuery(slug: string): string {
  return /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/.test(slug) ? `tech:${slug}` : `tech:"${slug}"`;
}

export function techHref(slug: string): string {
  return `/tech/${encodeURIComponent(slug)}`;
}

export interface SearchParams {
  q: string;
  sort?: 'relevance' | 'date';
  page?: number;
  tech?: string;
}

export function searchHref(p: SearchParams): string {
  const params = new URLSearchParams({ q: p.q });
  if (p.sort === 'date') params.set('sort', 'date');
  if (p.tech) params.set('tech', p.tech);
  if (p.page && p.page > 1) params.set('page', String(p.page));
  return `/search?${params.toString()}`;
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

/** `2007-03-01…` → `March 1, 2007`, as the classic KB wrote dates; '' for nothing. */
export function longDate(iso: string | null | undefined): string {
  const m = iso ? /^(\d{4})-(\d{2})-(\d{2})/.exec(iso) : null;
  return m ? `${MONTHS[Number(m[2]) - 1]} ${Number(m[3])}, ${m[1]}` : '';
}

/** A `<time>` element with the long date. */
export function timeTag(iso: string | null | undefined): SafeHtml | '' {
  const text = longDate(iso);
  return text ? html`<time datetime="${iso!.slice(0, 10)}">${text}</time>` : '';
}

export function changeBadge(kind: string, minor = false): SafeHtml {
  return html`<span class="badge ${kind}">${kind}</span>${minor ? html`<span class="badge minor">minor</span>` : ''}`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export interface SendOptions {
  status?: number;
  /** Cache-Control; public pages without personal content may be cached briefly. */
  cache?: string;
}

/** Sends a full HTML page. Pages showing a signed-in user's name are never shared-cached. */
export function sendHtml(reply: FastifyReply, opts: PageOptions, send: SendOptions = {}): FastifyReply {
  const cache = opts.user ? 'private, no-cache' : (send.cache ?? 'no-cache');
  return reply
    .code(send.status ?? 200)
    .header('Cache-Control', cache)
    .header('Vary', 'Cookie')
    .type('text/html; charset=utf-8')
    .send(page(opts));
}

/**
 * Sends a page that is the same for every anonymous visitor, rendered once per `key` (which
 * must name everything the page shows, such as the newest change id).
 */
export async function sendShared(
  reply: FastifyReply,
  cache: PageCache,
  key: string,
  build: () => Promise<PageOptions>,
  send: SendOptions = {},
): Promise<FastifyReply> {
  let text = cache.get(key);
  if (text === undefined) {
    text = page(await build());
    cache.set(key, text);
  }
  return reply
    .code(send.status ?? 200)
    .header('Cache-Control', send.cache ?? 'no-cache')
    .header('Vary', 'Cookie')
    .type('text/html; charset=utf-8')
    .send(text);
}

/** A page-number query parameter: a whole number from 1 to `max`, else 1. */
export function pageNumber(value: unknown, max = 500): number {
  const n = typeof value === 'string' && /^\d{1,6}$/.test(value) ? Number(value) : 1;
  return Math.min(Math.max(n, 1), max);
}

/** One string query parameter ('' when absent or repeated). */
export function param(query: unknown, name: string): string {
  const v = query && typeof query === 'object' ? (query as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v : '';
}
