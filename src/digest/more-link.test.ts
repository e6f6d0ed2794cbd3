import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parse } from '../query/index.ts';
import { moreItemsUrl } from './more-link.ts';

const BASE = 'https://kbwatch.example';
const qOf = (url: string) => new URL(url).searchParams.get('q');

test('the matched subscriptions as one search since the first day, newest first', () => {
  const url = moreItemsUrl(
    BASE,
    [
      { kind: 'technology', slug: 'sql-server', query: null },
      { kind: 'query', slug: null, query: 'firewall -"group policy"' },
    ],
    '2026-04-20T03:00:00.000Z',
  );
  assert.ok(url.startsWith(`${BASE}/search?q=`));
  assert.equal(new URL(url).searchParams.get('sort'), 'date');
  assert.equal(qOf(url), '(tech:"sql-server" OR (firewall -"group policy")) updated:>=2026-04-20');
  parse(qOf(url)!);
});

test('a saved KB number also lists that article; no start day, no date', () => {
  const url = moreItemsUrl(BASE, [{ kind: 'query', slug: null, query: 'KB307175' }], null);
  assert.equal(qOf(url), '((kb:307175 OR (KB307175)))');
});

test('subscriptions that make no valid search send the reader to the account page', () => {
  const account = `${BASE}/account`;
  assert.equal(moreItemsUrl(BASE, [], null), account);
  assert.equal(moreItemsUrl(BASE, [{ kind: 'technology', slug: null, query: null }], null), account);
  assert.equal(moreItemsUrl(BASE, [{ kind: 'query', slug: null, query: '(broken' }], null), account);
  const many = Array.from({ length: 60 }, (_, i) => ({
    kind: 'query' as const,
    slug: null,
    query: `word${i}`,
  }));
  assert.equal(moreItemsUrl(BASE, many, null), account, 'more terms than a query may have');
});
