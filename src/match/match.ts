/**
 * Changes × subscriptions → items per user, in memory and without the database: each distinct
 * saved query is evaluated once against the window's articles, technology subscriptions are
 * looked up in the window's technology index, and only then are results grouped by user.
 * The cost follows (subscriptions × matching articles), never (users × changes) queries.
 */
import type { ChangeSummary } from '../model/article.ts';
import { parse } from '../query/parser.ts';
import { matches } from '../query/match.ts';
import type { Query } from '../query/ast.ts';
import type { ActiveSubscription, ChangeWindow, DigestItem, MatchUser, WindowArticle, WindowChange } from './types.ts';

export interface QueryHits {
  /** Query text → ids of the window's articles it matches. */
  hits: Map<string, Set<number>>;
  /** Query text → parser message, for saved queries that no longer parse. */
  invalid: Map<string, string>;
}

/** Evaluates each distinct query text once against every article of the window. */
export function evaluateQueries(queries: Iterable<string>, articles: Iterable<WindowArticle>): QueryHits {
  const docs = [...articles];
  const hits = new Map<string, Set<number>>();
  const invalid = new Map<string, string>();
  for (const text of new Set(queries)) {
    let ast: Query;
    try {
      ast = parse(text);
    } catch (err) {
      invalid.set(text, err instanceof Error ? err.message : String(err));
      continue;
    }
    const found = new Set<number>();
    for (const a of docs) if (matches(ast, a.doc)) found.add(a.id);
    if (found.size > 0) hits.set(text, found);
  }
  return { hits, invalid };
}

/** Sums the summaries of several updates of one article: sections united, words added up. */
export function mergeSummaries(changes: WindowChange[]): ChangeSummary | null {
  const withSummary = changes.filter((c) => c.summary);
  if (withSummary.length === 0) return null;
  const sections = new Set<string>();
  let wordsAdded = 0;
  let wordsRemoved = 0;
  for (const c of withSummary) {
    for (const s of c.summary!.sections) sections.add(s);
    wordsAdded += c.summary!.wordsAdded;
    wordsRemoved += c.summary!.wordsRemoved;
  }
  return { sections: [...sections], wordsAdded, wordsRemoved, minor: changes.every((c) => c.kind === 'updated' && c.minor) };
}

type ItemBase = Omit<DigestItem, 'subscriptionIds'>;

/** The article as one item, from its changes after `watermark`; null if there are none. */
function itemBase(window: ChangeWindow, article: WindowArticle, watermark: number): ItemBase | null {
  const changes = watermark <= window.afterId ? article.changes : article.changes.filter((c) => c.id > watermark);
  if (changes.length === 0) return null;
  const isNew = changes.some((c) => c.kind === 'new');
  const technologies = article.technologyIds
    .map((id) => window.technologies.get(id))
    .filter((t) => t !== undefined)
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.name.localeCompare(b.name))
    .map((t) => t.name);
  return {
    articleId: article.id,
    kb: article.kb,
    title: article.title,
    sourceId: article.sourceId,
    path: article.path,
    url: article.url,
    kind: isNew ? 'new' : 'updated',
    minor: !isNew && changes.every((c) => c.minor),
    summary: isNew ? null : mergeSummaries(changes),
    technologies,
    changeIds: changes.map((c) => c.id),
  };
}

const KIND_ORDER = { product: 0, area: 1, keyword: 2 } as const;

/** Digest order: substantive items first (new, then updated), minor updates last; by title. */
export function compareItems(a: DigestItem, b: DigestItem): number {
  return Number(a.minor) - Number(b.minor) || (a.kind === b.kind ? 0 : a.kind === 'new' ? -1 : 1) || a.title.localeCompare(b.title) || a.articleId - b.articleId;
}

/**
 * Reuses item bases across users: most users share the window's start as their watermark,
 * so each article's merge is computed once, not once per subscriber.
 */
export class ItemCache {
  private readonly bases = new Map<string, ItemBase | null>();
  constructor(readonly window: ChangeWindow) {}

  get(articleId: number, watermark: number): ItemBase | null {
    const effective = Math.max(watermark, this.window.afterId);
    const key = `${articleId}:${effective}`;
    let base = this.bases.get(key);
    if (base === undefined) {
      const article = this.window.articles.get(articleId);
      base = article ? itemBase(this.window, article, effective) : null;
      this.bases.set(key, base);
    }
    return base;
  }
}

/** The items of one user's digest: every matched article once, with the subscriptions that matched. */
export function itemsForUser(user: MatchUser, subscriptions: ActiveSubscription[], cache: ItemCache, queryHits: QueryHits): DigestItem[] {
  if (user.watermark >= cache.window.upToId) return [];
  const reasons = new Map<number, number[]>();
  const add = (articleId: number, subscriptionId: number) => {
    const list = reasons.get(articleId);
    if (!list) reasons.set(articleId, [subscriptionId]);
    else if (!list.includes(subscriptionId)) list.push(subscriptionId);
  };
  for (const s of subscriptions) {
    if (s.kind === 'technology' && s.technologyId !== null) {
      for (const articleId of cache.window.byTechnology.get(s.technologyId) ?? []) add(articleId, s.id);
    } else if (s.kind === 'query' && s.query !== null) {
      for (const articleId of queryHits.hits.get(s.query) ?? []) add(articleId, s.id);
    }
  }
  const items: DigestItem[] = [];
  for (const [articleId, subscriptionIds] of reasons) {
    const base = cache.get(articleId, user.watermark);
    if (!base || (base.minor && !user.includeMinor)) continue;
    items.push({ ...base, subscriptionIds });
  }
  return items.sort(compareItems);
}

/** Items for many users at once; users without items are left out. */
export function matchUsers(window: ChangeWindow, users: MatchUser[], subscriptionsByUser: Map<number, ActiveSubscription[]>, queryHits: QueryHits): Map<number, DigestItem[]> {
  const cache = new ItemCache(window);
  const out = new Map<number, DigestItem[]>();
  for (const user of users) {
    const items = itemsForUser(user, subscriptionsByUser.get(user.id) ?? [], cache, queryHits);
    if (items.length > 0) out.set(user.id, items);
  }
  return out;
}
