/**
 * What matching works on (a window of changes, users, subscriptions) and what it yields (items).
 * The rows it is built from are the store's (changes and subscriptions), re-exported here.
 */
import type { ChangeSummary } from '../model/article.ts';
import type { MatchDocument } from '../query/match.ts';
import type { WindowChange, WindowTechnology } from '../store/changes/window.ts';

export type { WindowChange, WindowTechnology };
export type { ActiveSubscription } from '../store/subscriptions.ts';

/** An article changed inside the window, as the digest shows it and the query matcher sees it. */
export interface WindowArticle {
  id: number;
  kb: number | null;
  title: string;
  sourceId: number;
  path: string;
  url: string | null;
  technologyIds: number[];
  doc: MatchDocument;
  /** Its changes inside the window, oldest first. */
  changes: WindowChange[];
}

/** Every alertable change with afterId < id ≤ upToId, loaded once per digest run. */
export interface ChangeWindow {
  afterId: number;
  upToId: number;
  articles: Map<number, WindowArticle>;
  technologies: Map<number, WindowTechnology>;
  /** Technology id → ids of the changed articles that carry it. */
  byTechnology: Map<number, number[]>;
}

export interface MatchUser {
  id: number;
  /** Highest change id already considered for this user. */
  watermark: number;
  includeMinor: boolean;
}

/** One article in a digest, once, with what changed since the watermark and why it was sent. */
export interface DigestItem {
  articleId: number;
  kb: number | null;
  title: string;
  sourceId: number;
  path: string;
  url: string | null;
  /** `new` when the article appeared since the watermark, else `updated`. */
  kind: 'new' | 'updated';
  /** Every update since the watermark was minor (never for `new`). */
  minor: boolean;
  summary: ChangeSummary | null;
  /** Technology names of the article, products first. */
  technologies: string[];
  /** The subscriptions that matched it. */
  subscriptionIds: number[];
  changeIds: number[];
}
