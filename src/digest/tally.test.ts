import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareItems } from '../match/match.ts';
import type { ActiveSubscription, DigestItem } from '../match/types.ts';
import { topTechnologies } from './headline.ts';
import { DigestTally } from './tally.ts';

const item = (articleId: number, title: string, over: Partial<DigestItem> = {}): DigestItem => ({
  articleId,
  kb: null,
  title,
  sourceId: 1,
  path: `a${articleId}.md`,
  url: null,
  kind: 'new',
  minor: false,
  summary: null,
  technologies: ['SQL Server'],
  subscriptionIds: [1],
  changeIds: [articleId],
  ...over,
});

const subs: ActiveSubscription[] = [
  { id: 1, userId: 7, kind: 'technology', technologyId: 2, query: null, label: 'SQL Server' },
  { id: 2, userId: 7, kind: 'query', technologyId: null, query: 'firewall', label: 'firewall' },
];

/** Items of ids 1…n with titles in no particular order, some updated, some minor, some by the query. */
function items(n: number): DigestItem[] {
  return Array.from({ length: n }, (_, i) =>
    item(i + 1, `T${(i * 37) % 101}`, {
      kind: i % 3 === 0 ? 'updated' : 'new',
      minor: i % 3 === 0 && i % 2 === 0,
      subscriptionIds: i % 4 === 0 ? [2] : [1],
      technologies: i % 4 === 0 ? ['Exchange Online'] : ['SQL Server'],
    }),
  );
}

test('keeps the first items in digest order and counts them all, however the pages fall', () => {
  const all = items(90).sort(compareItems);
  for (const pages of [1, 2, 7, 90]) {
    const tally = new DigestTally(10, subs);
    // Pages come newest first and hold any articles: deal the items out round robin.
    for (let p = 0; p < pages; p++) tally.add(all.filter((_, i) => i % pages === p));
    assert.deepEqual(tally.shown, all.slice(0, 10), `${pages} page(s)`);
    assert.equal(tally.total, 90);
    assert.equal(tally.hidden, 80);
    assert.equal(tally.fresh, all.filter((i) => i.kind === 'new').length);
    assert.deepEqual([...tally.subscriptionIds].sort(), [1, 2]);
    const followed = subs.map((s) => ({ id: s.id, kind: s.kind, label: s.label }));
    assert.deepEqual(tally.topTechnologies(), topTechnologies(all, followed), 'weighed over every item');
  }
});

test('an empty tally shows nothing, and a cap below one is refused', () => {
  const tally = new DigestTally(50, subs);
  tally.add([]);
  assert.deepEqual([tally.total, tally.hidden, tally.shown.length], [0, 0, 0]);
  assert.throws(() => new DigestTally(0, subs), RangeError);
});
