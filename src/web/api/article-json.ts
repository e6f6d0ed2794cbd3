/** The JSON shapes of articles and revisions in the API (described in openapi.ts). */
import type { Context } from '../../context.ts';
import { revisionsOf, technologiesOfArticle } from '../../store/article-read.ts';
import { sourceOf } from '../../store/article-extras.ts';
import { jsonList as list } from '../../store/codec.ts';
import type { Article, Revision } from '../../store/schema.ts';
import { apiRevisionUrl, articleUrl } from '../urls.ts';

export async function articleJson(ctx: Context, a: Article) {
  const db = ctx.store.db;
  const base = ctx.config.baseUrl;
  const [revisions, technologies, source] = await Promise.all([
    revisionsOf(db, a.id),
    technologiesOfArticle(db, a.id),
    sourceOf(db, a.source_id),
  ]);
  return {
    kb: a.kb,
    title: a.title,
    description: a.description,
    path: a.path,
    url: articleUrl(base, a),
    sourceUrl: a.url,
    source: source?.name ?? null,
    products: list(a.products),
    areas: list(a.areas),
    keywords: list(a.keywords),
    technologies: technologies.map((t) => ({ slug: t.slug, name: t.name, kind: t.kind })),
    lastReviewed: a.last_reviewed,
    firstSeen: a.first_seen,
    lastChanged: a.last_changed,
    revision: a.revision,
    retired: Number(a.retired) === 1,
    bodyHtml: a.body_html,
    revisions: revisions.map((r) => ({
      id: r.id,
      number: r.number,
      path: r.path,
      seenAt: r.seen_at,
      title: r.title,
      source: r.source,
      href: apiRevisionUrl(base, a, r.id),
    })),
  };
}

export function revisionJson(ctx: Context, a: Article, r: Revision, source: string | null) {
  return {
    id: r.id,
    kb: a.kb,
    articleUrl: articleUrl(ctx.config.baseUrl, a),
    number: r.number,
    path: r.path,
    seenAt: r.seen_at,
    title: r.title,
    description: r.description,
    source,
    text: r.text,
  };
}
