/**
 * Where "…and 312 more" points: a search, newest first, for the articles of the subscriptions
 * that matched, changed since the day the digest's window starts. It lists every item of the
 * digest (and may list a few more: minor updates a user leaves out, and the rare article the
 * index stems differently from the matcher). When the subscriptions do not make one valid query
 * (too long, too many terms), the link goes to the account page instead.
 */
import { kbJump, parse } from '../query/index.ts';

/** A subscription that matched, as the search spells it. */
export interface MatchedSubscription {
  kind: 'technology' | 'query';
  /** The technology's slug (technology subscriptions). */
  slug: string | null;
  query: string | null;
}

/** One subscription as a search term; null when it cannot be written as one. */
function searchTerm(s: MatchedSubscription): string | null {
  if (s.kind === 'technology') return s.slug && !s.slug.includes('"') ? `tech:"${s.slug}"` : null;
  if (!s.query) return null;
  let kb: number | null;
  try {
    kb = kbJump(parse(s.query));
  } catch {
    return null;
  }
  // A saved KB number also matches that article, which a group inside OR no longer jumps to.
  return kb !== null ? `(kb:${kb} OR (${s.query}))` : `(${s.query})`;
}

/** The address listing a digest's items: a search since `since` (an ISO time), or the account page. */
export function moreItemsUrl(
  baseUrl: string,
  subscriptions: MatchedSubscription[],
  since: string | null,
): string {
  const account = `${baseUrl}/account`;
  const terms = subscriptions.map(searchTerm);
  if (terms.length === 0 || terms.some((t) => t === null)) return account;
  const day = since && /^\d{4}-\d{2}-\d{2}/.test(since) ? ` updated:>=${since.slice(0, 10)}` : '';
  const q = `(${terms.join(' OR ')})${day}`;
  try {
    parse(q);
  } catch {
    return account;
  }
  return `${baseUrl}/search?q=${encodeURIComponent(q)}&sort=date`;
}
