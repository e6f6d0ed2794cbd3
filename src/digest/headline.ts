/**
 * What a digest's subject and headline say: how many items are new and updated, and which
 * technologies they are mostly about. Weights add up in parts, so a digest composed page by page
 * counts every item, shown in the mail or not.
 */
import type { DigestItem } from '../match/types.ts';

/** A subscription as the headline needs it. */
interface Followed {
  id: number;
  kind: 'technology' | 'query';
  label: string;
}

/** "3 new, 2 updated". */
export function countsLine(items: DigestItem[]): string {
  const fresh = items.filter((i) => i.kind === 'new').length;
  return countsText(fresh, items.length - fresh);
}

export function countsText(fresh: number, updated: number): string {
  return [fresh ? `${fresh} new` : '', updated ? `${updated} updated` : ''].filter(Boolean).join(', ');
}

/** The technologies most items are about, subscribed ones first. */
export function topTechnologies(items: DigestItem[], subscriptions: Followed[], limit = 2): string[] {
  const subscribed = new Map(
    subscriptions.filter((s) => s.kind === 'technology').map((s) => [s.id, s.label]),
  );
  return rankTechnologies(addTechnologyWeights(new Map(), items, subscribed), limit);
}

/**
 * Adds what `items` weigh per technology to `weights`: the subscribed technologies that matched
 * an item (`subscribed`: subscription id → name), else its first technology; a minor update
 * weighs half. Items can be added in any number of parts.
 */
export function addTechnologyWeights(
  weights: Map<string, number>,
  items: DigestItem[],
  subscribed: Map<number, string>,
): Map<string, number> {
  for (const item of items) {
    const names = item.subscriptionIds
      .map((id) => subscribed.get(id))
      .filter((n): n is string => n !== undefined);
    for (const name of new Set(names.length > 0 ? names : item.technologies.slice(0, 1)))
      weights.set(name, (weights.get(name) ?? 0) + (item.minor ? 0.5 : 1));
  }
  return weights;
}

/** The heaviest technologies, ties by name. */
export function rankTechnologies(weights: Map<string, number>, limit = 2): string[] {
  return [...weights]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, limit)
    .map(([name]) => name);
}

export function subjectOf(items: DigestItem[], subscriptions: Followed[]): string {
  return subjectText(countsLine(items), topTechnologies(items, subscriptions));
}

export function subjectText(counts: string, top: string[]): string {
  const subject = `${counts}${top.length ? `: ${top.join(', ')}` : ''}`;
  return subject.length > 120 ? `${subject.slice(0, 119)}…` : subject;
}
