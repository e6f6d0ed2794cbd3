/** Atom 1.0 (RFC 4287) documents of changes: one entry per change, ids stable per change. */
import type { Context } from '../../context.ts';
import { articleUrl } from '../urls.ts';
import type { LatestChange } from './latest.ts';
import { el, xmlDocument, type XmlElement } from './xml.ts';

/** The time of a feed without entries: fixed, so its validators stay stable. */
export const EMPTY_FEED_UPDATED = '2000-01-01T00:00:00.000Z';

export interface FeedInfo {
  /** Path after the tag URI's authority, e.g. `feed/tech/windows-server`. */
  idPath: string;
  title: string;
  subtitle: string;
  /** Absolute URL of the feed itself. */
  selfUrl: string;
  /** Absolute URL of the matching HTML page. */
  alternateUrl: string;
}

/** `tag:` URIs (RFC 4151) under the site's host name. */
export function tagUri(ctx: Context, specific: string): string {
  const host = new URL(ctx.config.baseUrl).hostname || 'localhost';
  return `tag:${host},2024:${specific}`;
}

export function changeText(c: Pick<LatestChange, 'kind' | 'summary' | 'minor' | 'kb'>): string {
  const parts = [c.kind === 'new' ? 'New article.' : c.minor ? 'Updated (minor edits).' : 'Updated.'];
  if (c.kb) parts.push(`KB${c.kb}.`);
  const s = c.summary;
  if (c.kind === 'updated' && s) {
    if (s.sections.length) parts.push(`Sections changed: ${s.sections.join(', ')}.`);
    parts.push(`${s.wordsAdded} words added, ${s.wordsRemoved} removed.`);
  }
  return parts.join(' ');
}

function entry(ctx: Context, c: LatestChange): XmlElement {
  const link = articleUrl(ctx.config.baseUrl, c);
  return el(
    'entry',
    {},
    el('id', {}, tagUri(ctx, `change/${c.id}`)),
    el('title', { type: 'text' }, c.kb ? `KB${c.kb}: ${c.title}` : c.title),
    el('updated', {}, new Date(c.detectedAt).toISOString()),
    el('link', { rel: 'alternate', type: 'text/html', href: link }),
    el('summary', { type: 'text' }, changeText(c)),
    el('category', {
      term: c.kind === 'new' ? 'kind:new' : 'kind:updated',
      label: c.kind === 'new' ? 'New' : 'Updated',
    }),
    ...c.technologies.map((t) =>
      el('category', { term: t.slug, label: t.name, scheme: `${ctx.config.baseUrl}/tech/` }),
    ),
  );
}

/** The feed document; `updated` is the newest entry's time (or a fixed time when empty). */
export function atomFeed(
  ctx: Context,
  info: FeedInfo,
  changes: LatestChange[],
): { xml: string; updated: Date } {
  const updated = new Date(
    changes.reduce((max, c) => (c.detectedAt > max ? c.detectedAt : max), EMPTY_FEED_UPDATED),
  );
  const feed = el(
    'feed',
    { xmlns: 'http://www.w3.org/2005/Atom' },
    el('id', {}, tagUri(ctx, info.idPath)),
    el('title', { type: 'text' }, info.title),
    el('subtitle', { type: 'text' }, info.subtitle),
    el('updated', {}, updated.toISOString()),
    el('link', { rel: 'self', type: 'application/atom+xml', href: info.selfUrl }),
    el('link', { rel: 'alternate', type: 'text/html', href: info.alternateUrl }),
    el('author', {}, el('name', {}, 'kbwatch')),
    el('generator', { uri: ctx.config.baseUrl }, 'kbwatch'),
    ...changes.map((c) => entry(ctx, c)),
  );
  return { xml: xmlDocument(feed), updated };
}
