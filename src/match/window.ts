/**
 * Builds what matching works on: a window of alertable changes with their live articles,
 * technologies and text, indexed by article and by technology. `loadWindow` reads a window
 * whole; the digest tick reads it a page at a time (pages.ts) through `windowOf`, without
 * bodies, and `loadBodies` adds them to a page when saved queries need them. The rows come from
 * the store (store/changes/window.ts), a handful of queries in chunks whatever the number of users.
 */
import type { Kysely } from 'kysely';
import {
  alertableChanges,
  articleBodies,
  articleTechnologies,
  sourceNames,
  technologyAliases,
  windowArticles,
  type WindowArticleRow,
} from '../store/changes/window.ts';
import type { Database } from '../store/schema.ts';
import type { ChangeWindow, WindowArticle, WindowChange } from './types.ts';

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** What the articles of the window are built from, besides their own rows. */
interface ArticleParts {
  window: ChangeWindow;
  byArticle: Map<number, WindowChange[]>;
  techOf: Map<number, number[]>;
  aliases: Map<number, string[]>;
  bodies: Map<number, string>;
  sources: Map<number, string>;
}

function windowArticle(a: WindowArticleRow, p: ArticleParts): WindowArticle {
  const technologyIds = p.techOf.get(a.id) ?? [];
  const techNames = technologyIds.flatMap((t) => {
    const technology = p.window.technologies.get(t);
    return technology ? [technology.slug, ...(p.aliases.get(t) ?? [])] : [];
  });
  return {
    id: a.id,
    kb: a.kb,
    title: a.title,
    sourceId: a.sourceId,
    path: a.path,
    url: a.url,
    technologyIds,
    changes: p.byArticle.get(a.id) ?? [],
    doc: {
      title: a.title,
      description: a.description,
      body: p.bodies.get(a.id) ?? '',
      products: a.products,
      areas: a.areas,
      keywords: a.keywords,
      technologies: [...new Set(techNames)],
      kb: a.kb,
      source: p.sources.get(a.sourceId) ?? '',
      updated: a.lastChanged,
      reviewed: a.lastReviewed,
    },
  };
}

/** Alertable (`new`, `updated`) changes with afterId < id ≤ upToId and their live articles. */
export async function loadWindow(
  db: Kysely<Database>,
  afterId: number,
  upToId: number,
  opts: { withBody?: boolean } = {},
): Promise<ChangeWindow> {
  const changes = upToId <= afterId ? [] : await alertableChanges(db, afterId, upToId);
  const sources = changes.length > 0 ? await sourceNames(db) : new Map<number, string>();
  return windowOf(db, { afterId, upToId, changes, sources, withBody: opts.withBody !== false });
}

/**
 * The window made of the given changes (oldest first) with their live articles, read in chunks;
 * bodies only when asked for (`loadBodies` can add them later).
 */
export async function windowOf(
  db: Kysely<Database>,
  w: {
    afterId: number;
    upToId: number;
    changes: WindowChange[];
    sources: Map<number, string>;
    withBody: boolean;
  },
): Promise<ChangeWindow> {
  const window: ChangeWindow = {
    afterId: w.afterId,
    upToId: w.upToId,
    articles: new Map(),
    technologies: new Map(),
    byTechnology: new Map(),
  };
  if (w.changes.length === 0) return window;
  const byArticle = new Map<number, WindowChange[]>();
  for (const c of w.changes) push(byArticle, c.articleId, c);
  const ids = [...byArticle.keys()];
  const bodies = w.withBody ? await articleBodies(db, ids) : new Map<number, string>();
  const techOf = new Map<number, number[]>();
  for (const link of await articleTechnologies(db, ids)) {
    window.technologies.set(link.technology.id, link.technology);
    push(techOf, link.articleId, link.technology.id);
  }
  const aliases = await technologyAliases(db, [...window.technologies.keys()]);
  const parts: ArticleParts = { window, byArticle, techOf, aliases, bodies, sources: w.sources };
  for (const a of await windowArticles(db, ids)) {
    if (a.retired) continue;
    const article = windowArticle(a, parts);
    window.articles.set(a.id, article);
    for (const t of article.technologyIds) push(window.byTechnology, t, a.id);
  }
  return window;
}

/** Reads the bodies of the window's articles into their documents, `chunk` articles per query. */
export async function loadBodies(db: Kysely<Database>, window: ChangeWindow, chunk = 200): Promise<void> {
  const ids = [...window.articles.keys()];
  for (let i = 0; i < ids.length; i += chunk) {
    for (const [id, body] of await articleBodies(db, ids.slice(i, i + chunk))) {
      const article = window.articles.get(id);
      if (article) article.doc.body = body;
    }
  }
}
