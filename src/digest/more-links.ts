/**
 * The "…and N more" links of one batch of digests, for the users whose list was capped only:
 * their matched subscriptions as a search (more-link.ts), since the first change of their window.
 */
import type { Context } from '../context.ts';
import type { ActiveSubscription } from '../match/types.ts';
import { earliestChangeTime } from '../store/changes/window-pages.ts';
import { technologySlugs } from '../store/subscriptions.ts';
import type { DigestUser } from '../store/users.ts';
import { moreItemsUrl } from './more-link.ts';
import type { DigestTally } from './tally.ts';

/** User id → the address listing their digest's items, for every user with items not shown. */
export async function moreLinks(
  ctx: Context,
  horizon: number,
  users: DigestUser[],
  tallies: Map<number, DigestTally>,
  subscriptions: Map<number, ActiveSubscription[]>,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  const capped = users.filter((u) => (tallies.get(u.id)?.hidden ?? 0) > 0);
  if (capped.length === 0) return out;
  const matched = new Map(
    capped.map((u) => {
      const ids = tallies.get(u.id)!.subscriptionIds;
      return [u.id, (subscriptions.get(u.id) ?? []).filter((s) => ids.has(s.id))];
    }),
  );
  const techIds = [...matched.values()]
    .flat()
    .flatMap((s) => (s.technologyId === null ? [] : [s.technologyId]));
  const slugs = await technologySlugs(ctx.store.db, [...new Set(techIds)]);
  for (const u of capped) {
    const since = await earliestChangeTime(ctx.store.db, u.watermark, horizon);
    const subs = matched.get(u.id)!.map((s) => ({
      kind: s.kind,
      slug: s.technologyId === null ? null : (slugs.get(s.technologyId) ?? null),
      query: s.query,
    }));
    out.set(u.id, moreItemsUrl(ctx.config.baseUrl, subs, since));
  }
  return out;
}
