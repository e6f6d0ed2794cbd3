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
import { WordIndex } from './prefilter.ts';
import type {
  ActiveSubscription,
  ChangeWindow,
  DigestItem,
  MatchUser,
  WindowArticle,
  WindowChange,
} from './types.ts';

export interface QueryHits {
  /** Query text → ids of the window's articles it matches. */
  hits: Map<string, Set<number>>;
  /** Query text → parser message, for saved queries that no longer parse. */
  invalid: Map<string, string>;
}

/**
 * Evaluates each distinct query text once against the window's articles: the word index narrows
 * the candidates, the query language's own matcher decides.
 */
export function evaluateQueries(queries: Iterable<string>, articles: Iterable<WindowArticle>): QueryHits {
  return new QueryEvaluator(articles).evaluate(queries);
}

/**
 * Saved queries against one set of articles, the word index built once: several batches of
 * users evaluate their queries against the same articles without indexing them again.
 */
export class QueryEvaluator {
  private readonly docs: Map<number, WindowArticle>;
  private readonly index: WordIndex;

  constructor(articles: Iterable<WindowArticle>) {
    this.docs = new Map([...articles].map((a) => [a.id, a]));
    this.index = new WordIndex(this.docs.values());
  }

  evaluate(queries: Iterable<string>): QueryHits {
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
      const candidates = this.index.candidates(ast);
      if (candidates === null) {
        for (const a of this.docs.values()) if (matches(ast, a.doc)) found.add(a.id);
      } else {
        for (const id of candidates) if (matches(ast, this.docs.get(id)!.doc)) found.add(id);
      }
      if (found.size > 0) hits.set(text, found);
    }
    return { hits, invalid };
  }
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
  return {
    sections: [...sections],
    wordsAdded,
    wordsRemoved,
    minor: changes.every((c) => c.kind === 'updated' && c.minor),
  };
}

type ItemBase = Omit<DigestItem, 'subscriptionIds'>;

/** The article as one item, from its changes after `watermark`; null if there are none. */
function itemBase(window: ChangeWindow, article: WindowArticle, watermark: number): ItemBase | null {
  const changes =
    watermark <= window.afterId ? article.changes : article.changes.filter((c) => c.id > watermark);
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
/** Item bases from later watermarks kept at most (each a few hundred bytes). */
const PARTIAL_LIMIT = 100_000;

/** Digest order: substantive items first (new, then updated), minor updates last; by title. */
export function compareItems(a: DigestItem, b: DigestItem): number {
  return (
    Number(a.minor) - Number(b.minor) ||
    (a.kind === b.kind ? 0 : a.kind === 'new' ? -1 : 1) ||
    a.title.localeCompare(b.title) ||
    a.articleId - b.articleId
  );
}

/**
 * Reuses item bases across users: most users share the window's start as their watermark,
 * so each article's merge is computed once, not once per subscriber.
 */
export class ItemCache {
  /** Bases over the whole window (users at or below its start), by article id. */
  private readonly whole = new Map<number, ItemBase | null>();
  /** Bases from a later watermark, by `article:watermark`. */
  private readonly partial = new Map<string, ItemBase | null>();
  /** Article id → position by title, so sorting items compares numbers, not strings. */
  private readonly titleRank = new Map<number, number>();

  constructor(readonly window: ChangeWindow) {
    const byTitle = [...window.articles.values()].sort(
      (a, b) => a.title.localeCompare(b.title) || a.id - b.id,
    );
    byTitle.forEach((a, i) => this.titleRank.set(a.id, i));
  }

  /** Digest order, as `compareItems`, with titles compared by precomputed rank. */
  readonly compare = (a: DigestItem, b: DigestItem): number =>
    Number(a.minor) - Number(b.minor) ||
    (a.kind === b.kind ? 0 : a.kind === 'new' ? -1 : 1) ||
    this.titleRank.get(a.articleId)! - this.titleRank.get(b.articleId)!;

  get(articleId: number, watermark: number): ItemBase | null {
    const fromStart = watermark <= this.window.afterId;
    const key = fromStart ? articleId : `${articleId}:${watermark}`;
    // Users at many different watermarks: start again rather than grow without end.
    if (!fromStart && this.partial.size >= PARTIAL_LIMIT) this.partial.clear();
    const cache = (fromStart ? this.whole : this.partial) as Map<number | string, ItemBase | null>;
    let base = cache.get(key);
    if (base === undefined) {
      const article = this.window.articles.get(articleId);
      base = article ? itemBase(this.window, article, Math.max(watermark, this.window.afterId)) : null;
      cache.set(key, base);
    }
    return base;
  }
}

/** The items of one user's digest: every matched article once, with the subscriptions that matched. */
export function itemsForUser(
  user: MatchUser,
  subscriptions: ActiveSubscription[],
  cache: ItemCache,
  queryHits: QueryHits,
): DigestItem[] {
  if (user.watermark >= cache.window.upToId) return [];
  // Article id → its item, or null when it has nothing for this user (no changes left, minor).
  const seen = new Map<number, DigestItem | null>();
  const items: DigestItem[] = [];
  for (const s of subscriptions) {
    const articleIds =
      s.kind === 'technology'
        ? cache.window.byTechnology.get(s.technologyId ?? -1)
        : queryHits.hits.get(s.query ?? '');
    if (!articleIds) continue;
    for (const articleId of articleIds) {
      const known = seen.get(articleId);
      if (known) {
        if (!known.subscriptionIds.includes(s.id)) known.subscriptionIds.push(s.id);
        continue;
      }
      if (known === null) continue;
      const base = cache.get(articleId, user.watermark);
      const item = base && !(base.minor && !user.includeMinor) ? withSubscription(base, s.id) : null;
      seen.set(articleId, item);
      if (item) items.push(item);
    }
  }
  return items.sort(cache.compare);
}

/** An item from its base; a literal rather than a spread, which matters at millions of items. */
function withSubscription(b: ItemBase, subscriptionId: number): DigestItem {
  return {
    articleId: b.articleId,
    kb: b.kb,
    title: b.title,
    sourceId: b.sourceId,
    path: b.path,
    url: b.url,
    kind: b.kind,
    minor: b.minor,
    summary: b.summary,
    technologies: b.technologies,
    subscriptionIds: [subscriptionId],
    changeIds: b.changeIds,
  };
}

/** Items for many users at once; users without items are left out. */
export function matchUsers(
  window: ChangeWindow,
  users: MatchUser[],
  subscriptionsByUser: Map<number, ActiveSubscription[]>,
  queryHits: QueryHits,
): Map<number, DigestItem[]> {
  const cache = new ItemCache(window);
  const out = new Map<number, DigestItem[]>();
  for (const user of users) {
    const items = itemsForUser(user, subscriptionsByUser.get(user.id) ?? [], cache, queryHits);
    if (items.length > 0) out.set(user.id, items);
  }
  return out;
}
