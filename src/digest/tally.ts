/**
 * One user's digest while the change window is read page by page: the first `cap` items in
 * digest order, and the counts of all of them (how many, how many new, which subscriptions
 * matched, what technologies they weigh), so a digest of months holds a page of items and a few
 * numbers, never the whole list. Nothing is dropped silently: what is not kept is counted.
 */
import { compareItems } from '../match/match.ts';
import type { ActiveSubscription, DigestItem } from '../match/types.ts';
import { addTechnologyWeights, rankTechnologies } from './headline.ts';

export class DigestTally {
  /** The items to show, in digest order. */
  shown: DigestItem[] = [];
  /** Items in the digest, shown or not. */
  total = 0;
  /** Of them, new articles. */
  fresh = 0;
  /** The subscriptions that matched any item. */
  readonly subscriptionIds = new Set<number>();
  private readonly weights = new Map<string, number>();
  private readonly subscribed: Map<number, string>;

  constructor(
    private readonly cap: number,
    subscriptions: ActiveSubscription[],
  ) {
    if (!(cap >= 1)) throw new RangeError(`digest: at least one item must be shown, not ${cap}`);
    this.subscribed = new Map(
      subscriptions.filter((s) => s.kind === 'technology').map((s) => [s.id, s.label]),
    );
  }

  /** Adds the items of one page, in digest order; no article may come twice. */
  add(items: DigestItem[]): void {
    if (items.length === 0) return;
    this.total += items.length;
    for (const item of items) {
      if (item.kind === 'new') this.fresh++;
      for (const id of item.subscriptionIds) this.subscriptionIds.add(id);
    }
    addTechnologyWeights(this.weights, items, this.subscribed);
    this.shown = firstOfBoth(this.shown, items, this.cap);
  }

  /** Items counted but not shown. */
  get hidden(): number {
    return this.total - this.shown.length;
  }

  /** The technologies the whole digest is most about. */
  topTechnologies(limit = 2): string[] {
    return rankTechnologies(this.weights, limit);
  }
}

/** The first `cap` items of two lists in digest order, merged: at most `cap` comparisons. */
function firstOfBoth(a: DigestItem[], b: DigestItem[], cap: number): DigestItem[] {
  if (a.length === 0) return b.slice(0, cap);
  const out: DigestItem[] = [];
  let i = 0;
  let j = 0;
  while (out.length < cap && (i < a.length || j < b.length)) {
    if (j >= b.length || (i < a.length && compareItems(a[i], b[j]) <= 0)) out.push(a[i++]);
    else out.push(b[j++]);
  }
  return out;
}
