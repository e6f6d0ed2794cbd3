import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateQueries, matchUsers, mergeSummaries } from './match.ts';
import type { ActiveSubscription, ChangeWindow, WindowArticle, WindowChange } from './types.ts';

const TECH = { winsrv: 1, sql: 2, kbwinsock: 3 };

function article(
  id: number,
  title: string,
  techs: number[],
  changes: Omit<WindowChange, 'articleId'>[],
  body = '',
): WindowArticle {
  return {
    id,
    kb: 1000 + id,
    title,
    sourceId: 1,
    path: `support/a${id}.md`,
    url: null,
    technologyIds: techs,
    changes: changes.map((c) => ({ ...c, articleId: id })),
    doc: {
      title,
      description: '',
      body,
      products: [],
      areas: [],
      keywords: [],
      technologies: [],
      kb: 1000 + id,
      source: 'support',
      updated: '2026-10-25T00:00:00Z',
      reviewed: null,
    },
  };
}

function windowOf(afterId: number, upToId: number, articles: WindowArticle[]): ChangeWindow {
  const w: ChangeWindow = {
    afterId,
    upToId,
    articles: new Map(articles.map((a) => [a.id, a])),
    technologies: new Map([
      [TECH.winsrv, { id: TECH.winsrv, slug: 'windows-server', name: 'Windows Server', kind: 'product' }],
      [TECH.sql, { id: TECH.sql, slug: 'sql-server', name: 'SQL Server', kind: 'product' }],
      [TECH.kbwinsock, { id: TECH.kbwinsock, slug: 'kbwinsock', name: 'kbWinsock', kind: 'keyword' }],
    ]),
    byTechnology: new Map(),
  };
  for (const a of articles)
    for (const t of a.technologyIds) w.byTechnology.set(t, [...(w.byTechnology.get(t) ?? []), a.id]);
  return w;
}

const summary = (sections: string[], added: number, removed: number, minor = false) => ({
  sections,
  wordsAdded: added,
  wordsRemoved: removed,
  minor,
});

const win = windowOf(10, 20, [
  article(
    1,
    'Listen backlog limit in Winsock',
    [TECH.winsrv, TECH.kbwinsock],
    [{ id: 11, kind: 'new', minor: false, summary: null }],
  ),
  article(
    2,
    'SQL Server setup fails',
    [TECH.sql],
    [
      { id: 12, kind: 'updated', minor: true, summary: summary(['Cause'], 1, 1, true) },
      { id: 15, kind: 'updated', minor: false, summary: summary(['Resolution'], 40, 3) },
    ],
  ),
  article(
    3,
    'Cluster validation warnings',
    [TECH.winsrv],
    [{ id: 18, kind: 'updated', minor: true, summary: summary(['Symptoms'], 2, 2, true) }],
  ),
]);

const sub = (
  id: number,
  userId: number,
  kind: 'technology' | 'query',
  value: number | string,
): ActiveSubscription => ({
  id,
  userId,
  kind,
  technologyId: kind === 'technology' ? (value as number) : null,
  query: kind === 'query' ? (value as string) : null,
  label: String(value),
});

test('an article matched by two subscriptions appears once with both', () => {
  const subs = new Map([[7, [sub(70, 7, 'technology', TECH.winsrv), sub(71, 7, 'query', 'winsock')]]]);
  const hits = evaluateQueries(['winsock'], win.articles.values());
  const items = matchUsers(win, [{ id: 7, watermark: 10, includeMinor: true }], subs, hits).get(7)!;
  assert.deepEqual(
    items.map((i) => [i.articleId, i.kind, i.minor, i.subscriptionIds]),
    [
      [1, 'new', false, [70, 71]],
      [3, 'updated', true, [70]],
    ],
  );
});

test('only changes after the user watermark count, and minor updates can be left out', () => {
  const subs = new Map([
    [1, [sub(1, 1, 'technology', TECH.sql)]],
    [2, [sub(2, 2, 'technology', TECH.sql)]],
    [3, [sub(3, 3, 'technology', TECH.winsrv)]],
  ]);
  const result = matchUsers(
    win,
    [
      { id: 1, watermark: 10, includeMinor: true },
      { id: 2, watermark: 13, includeMinor: true },
      { id: 3, watermark: 11, includeMinor: false },
    ],
    subs,
    { hits: new Map(), invalid: new Map() },
  );
  const one = result.get(1)![0];
  assert.deepEqual(
    [one.changeIds, one.minor, one.summary],
    [[12, 15], false, { sections: ['Cause', 'Resolution'], wordsAdded: 41, wordsRemoved: 4, minor: false }],
  );
  assert.deepEqual(result.get(2)![0].changeIds, [15]);
  assert.equal(result.has(3), false, 'user 3 only has a minor update left, and leaves minor updates out');
});

test('users at the horizon, without subscriptions or without matches get nothing', () => {
  const subs = new Map([[5, [sub(50, 5, 'query', 'nothing-matches-this')]]]);
  const hits = evaluateQueries(['nothing-matches-this', 'title:(', 'winsock'], win.articles.values());
  assert.equal(hits.invalid.has('title:('), true);
  const result = matchUsers(
    win,
    [
      { id: 4, watermark: 20, includeMinor: true },
      { id: 5, watermark: 0, includeMinor: true },
      { id: 6, watermark: 0, includeMinor: true },
    ],
    subs,
    hits,
  );
  assert.equal(result.size, 0);
});

test('items list substantive changes first, minor updates last', () => {
  const subs = new Map([[1, [sub(1, 1, 'technology', TECH.winsrv), sub(2, 1, 'technology', TECH.sql)]]]);
  const items = matchUsers(win, [{ id: 1, watermark: 0, includeMinor: true }], subs, {
    hits: new Map(),
    invalid: new Map(),
  }).get(1)!;
  assert.deepEqual(
    items.map((i) => `${i.kind}${i.minor ? ' minor' : ''} ${i.articleId}`),
    ['new 1', 'updated 2', 'updated minor 3'],
  );
  assert.deepEqual(items[0].technologies, ['Windows Server', 'kbWinsock']);
});

test('mergeSummaries without summaries is null', () => {
  assert.equal(mergeSummaries([{ id: 1, articleId: 1, kind: 'updated', minor: false, summary: null }]), null);
});
