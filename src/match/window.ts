/**
 * Builds what matching works on, once per digest run: the window of alertable changes with their
 * live articles, technologies and text, indexed by article and by technology. The rows come from
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
  const window: ChangeWindow = {
    afterId,
    upToId,
    articles: new Map(),
    technologies: new Map(),
    byTechnology: new Map(),
  };
  if (upToId <= afterId) return window;
  const byArticle = new Map<number, WindowChange[]>();
  for (const c of await alertableChanges(db, afterId, upToId)) push(byArticle, c.articleId, c);
  const ids = [...byArticle.keys()];
  const sources = await sourceNames(db);
  const bodies = opts.withBody === false ? new Map<number, string>() : await articleBodies(db, ids);
  const techOf = new Map<number, number[]>();
  for (const link of await articleTechnologies(db, ids)) {
    window.technologies.set(link.technology.id, link.technology);
    push(techOf, link.articleId, link.technology.id);
  }
  const aliases = await technologyAliases(db, [...window.technologies.keys()]);
  const parts: ArticleParts = { window, byArticle, techOf, aliases, bodies, sources };
  for (const a of await windowArticles(db, ids)) {
    if (a.retired) continue;
    const article = windowArticle(a, parts);
    window.articles.set(a.id, article);
    for (const t of article.technologyIds) push(window.byTechnology, t, a.id);
  }
  return window;
}
