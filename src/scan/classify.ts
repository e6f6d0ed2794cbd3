/**
 * Deciding what a file is and what changed, without the database: which stored article a file
 * is (identity), and the kind of change with its summary (see README "What counts as a change").
 * The stored state comes in as plain inputs, so applying a batch twice decides nothing the
 * second time. Two steps, because a summary needs the old text of `updated` articles only:
 * `identifyBatch`, then `summarize` with those texts.
 */
import type { Fresh, GoneDecision, Hashes, SeenDecision, Updated } from '../model/decision.ts';
import { classify, contentHash, metaHash, nextRevision } from '../model/change.ts';
import type { ParsedArticle } from '../model/article.ts';
import type { StoredArticle } from '../store/articles.ts';
import type { Seen } from './plan.ts';
import { summarizeChange } from './summary.ts';

/** What the scan knows of the stored articles a batch may be. */
export interface StoredState {
  /** Every stored article holding a KB number of the batch, in any source. */
  byKb: ReadonlyMap<number, readonly StoredArticle[]>;
  /** Stored articles reachable from the batch's paths (and previous paths) in this source. */
  byPath: ReadonlyMap<string, StoredArticle>;
}

export interface ClassifyScope {
  sourceId: number;
  /** Lower ranks win when one KB number is in two sources (git 0, classic 1). */
  sourceRank: ReadonlyMap<number, number>;
  /** Paths deleted in this scan: a KB number leaving one of them is a move. */
  leaving: ReadonlySet<string>;
}

/** An `updated` decision waiting for the old text its summary compares with. */
export type PendingUpdate = Omit<Updated, 'summary'> & { summary: null };
export type Identified = Exclude<SeenDecision, Updated> | PendingUpdate;

/** Which stored article a file is, if any. */
type Identity =
  | { match: 'own' | 'takeover' | 'attach'; stored: StoredArticle }
  /** `kbTaken`: another live file holds the KB number, so this one keeps its path identity. */
  | { match: 'none'; kbTaken: boolean };

/** What the files before this one in the batch took. */
interface Claims {
  /** Stored articles a file of the batch already is. */
  articles: Set<number>;
  /** KB numbers given to new articles of the batch. */
  newKbs: Set<number>;
}

/**
 * The stored article a file is: its own path (or the path git says it came from) when that
 * article has the same KB number, else the KB number, else the path. An article is claimed by
 * at most one file of a batch.
 */
function identify(seen: Seen, scope: ClassifyScope, stored: StoredState, claims: Claims): Identity {
  const { article, previousPath } = seen;
  const found = (previousPath && stored.byPath.get(previousPath)) || stored.byPath.get(article.path);
  const alias = found && !claims.articles.has(found.id) ? found : undefined;
  const own = alias?.source_id === scope.sourceId ? alias : undefined;
  if (own && (own.kb === article.kb || own.kb === null || article.kb === null))
    return { match: 'own', stored: own };
  const byNumber = article.kb === null ? undefined : identifyByKb(article.kb, seen, scope, stored, claims);
  if (byNumber && byNumber.match !== 'none') return byNumber;
  if (own) return { match: 'own', stored: own };
  return { match: 'none', kbTaken: byNumber?.kbTaken ?? false };
}

function identifyByKb(
  kb: number,
  seen: Seen,
  scope: ClassifyScope,
  stored: StoredState,
  claims: Claims,
): Identity {
  // An earlier file of this batch is a new article with this number: two live files claim it.
  if (claims.newKbs.has(kb)) return { match: 'none', kbTaken: true };
  const holders = stored.byKb.get(kb) ?? [];
  const candidates = holders.filter((c) => !claims.articles.has(c.id));
  const same = candidates.find((c) => c.source_id === scope.sourceId);
  if (same) {
    const moving =
      same.path === seen.article.path ||
      same.retired === 1 ||
      same.path === seen.previousPath ||
      scope.leaving.has(same.path);
    return moving ? { match: 'own', stored: same } : { match: 'none', kbTaken: true };
  }
  const other = candidates[0];
  if (!other) return { match: 'none', kbTaken: holders.length > 0 };
  const rank = (id: number) => scope.sourceRank.get(id) ?? 9;
  return { match: rank(scope.sourceId) < rank(other.source_id) ? 'takeover' : 'attach', stored: other };
}

function hashesOf(article: ParsedArticle): Hashes {
  return { contentHash: contentHash(article), metaHash: metaHash(article) };
}

/** A file that is a stored article: written again, or unchanged. */
function rewrite(article: ParsedArticle, hashes: Hashes, ex: StoredArticle, takeover: boolean): Identified {
  const previousPath = ex.path !== article.path ? { sourceId: ex.source_id, path: ex.path } : null;
  const base = { article, hashes, articleId: ex.id, previousPath };
  const bumped = { revisionCount: ex.revision_count + 1 };
  if (takeover || ex.retired === 1)
    return {
      ...base,
      ...bumped,
      kind: 'new',
      origin: takeover ? 'takeover' : 'returned',
      revision: nextRevision(ex.revision, 'updated'),
    };
  const stored = { contentHash: ex.content_hash, metaHash: ex.meta_hash, path: ex.path };
  switch (classify(stored, { ...hashes, path: article.path })) {
    case 'unchanged':
      return { kind: 'unchanged', article, articleId: ex.id };
    case 'moved':
      return {
        ...base,
        kind: 'moved',
        previousPath: { sourceId: ex.source_id, path: ex.path },
        revision: ex.revision,
        revisionCount: ex.revision_count,
      };
    case 'metadata':
      return { ...base, ...bumped, kind: 'metadata', revision: nextRevision(ex.revision, 'metadata') };
    default:
      return {
        ...base,
        ...bumped,
        kind: 'updated',
        revision: nextRevision(ex.revision, 'updated'),
        summary: null,
      };
  }
}

function decide(seen: Seen, scope: ClassifyScope, stored: StoredState, claims: Claims): Identified {
  const { article } = seen;
  const hashes = hashesOf(article);
  const found = identify(seen, scope, stored, claims);
  if (found.match === 'attach') {
    // The text is kept as a revision unless this path already leads to an article showing this text.
    const known = stored.byPath.get(article.path);
    const keep = !known || known.content_hash !== hashes.contentHash;
    return {
      kind: 'attach',
      article,
      hashes,
      articleId: found.stored.id,
      keepAs: keep ? found.stored.revision : null,
    };
  }
  if (found.match === 'none') return fresh(article, hashes, scope.sourceId, found.kbTaken, claims);
  claims.articles.add(found.stored.id);
  return rewrite(article, hashes, found.stored, found.match === 'takeover');
}

function fresh(
  article: ParsedArticle,
  hashes: Hashes,
  sourceId: number,
  kbTaken: boolean,
  claims: Claims,
): Fresh {
  if (article.kb !== null && !kbTaken) {
    claims.newKbs.add(article.kb);
    return { kind: 'new', origin: 'fresh', article, hashes, key: `kb:${article.kb}` };
  }
  return { kind: 'new', origin: 'fresh', article, hashes, key: `${sourceId}:${article.path}` };
}

/** Identity and kind of every file of a batch, in order; `updated` ones wait for `summarize`. */
export function identifyBatch(
  batch: readonly Seen[],
  stored: StoredState,
  scope: ClassifyScope,
): Identified[] {
  const claims: Claims = { articles: new Set(), newKbs: new Set() };
  return batch.map((seen) => decide(seen, scope, stored, claims));
}

/** The articles whose latest text `summarize` needs. */
export function updatedArticleIds(identified: readonly Identified[]): number[] {
  return identified.flatMap((d) => (d.kind === 'updated' ? [d.articleId] : []));
}

/** Completes `updated` decisions with the summary of what changed since the article's latest text. */
export function summarize(
  identified: readonly Identified[],
  oldTexts: ReadonlyMap<number, string>,
): SeenDecision[] {
  return identified.map((d) =>
    d.kind === 'updated'
      ? { ...d, summary: summarizeChange(oldTexts.get(d.articleId) ?? '', d.article.text) }
      : d,
  );
}

/**
 * Paths gone from the source (`byPath`: the articles they lead to). The article of a path that
 * was its current one is removed; any other article (moved away in this scan, removed before,
 * shown from another source) only loses the path.
 */
export function classifyGone(
  paths: readonly string[],
  byPath: ReadonlyMap<string, StoredArticle>,
  sourceId: number,
): GoneDecision[] {
  return paths.flatMap((path): GoneDecision[] => {
    const a = byPath.get(path);
    if (!a) return [];
    if (a.path !== path || a.retired === 1 || a.source_id !== sourceId)
      return [{ kind: 'left', articleId: a.id, path }];
    return [{ kind: 'removed', articleId: a.id, path, kb: a.kb, title: a.title }];
  });
}
