import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { startTestServer, TEST_BASE_URL, type TestServer } from '../../../test/web-server.ts';
import { HOSTILE_TITLE, seedKb, type SeededKb } from '../../../test/web-fixtures.ts';

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  isArray: (name) => ['entry', 'category', 'link'].includes(name),
});

interface Entry {
  id: string;
  title: { '#text': string };
  updated: string;
  link: { '@href': string }[];
  summary: { '#text': string };
  category: { '@term': string; '@label': string }[];
}

function parseFeed(xml: string): {
  feed: {
    id: string;
    title: { '#text': string };
    updated: string;
    entry?: Entry[];
    link: { '@rel': string; '@href': string }[];
  };
} {
  return parser.parse(xml, true);
}

for (const dialect of DIALECTS) {
  describe(`web: Atom feeds (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let s: TestServer;
    let kb: SeededKb;
    before(async () => {
      s = await startTestServer(dialect);
      kb = await seedKb(s.ctx.store.db);
    });
    after(() => s?.close());

    it('per technology: the new and updated changes of its articles, newest first', async () => {
      const res = await fetch(`${s.url}/feeds/tech/windows-server-2019.atom`);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^application\/atom\+xml/);
      const { feed } = parseFeed(await res.text());
      assert.equal(feed.id, 'tag:kbwatch.test,2024:feed/tech/windows-server-2019');
      assert.equal(feed.updated, '2024-01-20T03:00:00.000Z');
      const entries = feed.entry ?? [];
      assert.deepEqual(
        entries.map((e) => e.id),
        [kb.changes.winsockUpdated, kb.changes.serverNew, kb.changes.winsockNew].map(
          (id) => `tag:kbwatch.test,2024:change/${id}`,
        ),
      );
      const updated = entries[0];
      assert.equal(updated.title['#text'], 'KB307175: How to use Winsock to listen on a port');
      assert.equal(updated.link[0]['@href'], `${TEST_BASE_URL}/kb/307175`);
      assert.match(
        updated.summary['#text'],
        /^Updated\. KB307175\. Sections changed: Resolution\. 3 words added, 1 removed\.$/,
      );
      assert.deepEqual(updated.category.map((c) => c['@term']).sort(), [
        'kbwinsock',
        'kind:updated',
        'windows-server-2019',
      ]);
      assert.equal(updated.updated, '2024-01-20T03:00:00.000Z');
      assert.match(entries[1].summary['#text'], /^New article\./);
    });

    it('finds a technology by alias and answers 404 for an unknown one', async () => {
      const res = await fetch(`${s.url}/feeds/tech/kbWinsock.atom`);
      assert.equal(res.status, 200);
      assert.equal(parseFeed(await res.text()).feed.entry?.length, 2);
      assert.equal((await fetch(`${s.url}/feeds/tech/no-such-thing.atom`)).status, 404);
      assert.equal((await fetch(`${s.url}/feeds/tech/kbwinsock.rss`)).status, 404);
    });

    it('escapes hostile titles and links articles without a KB number by path', async () => {
      const res = await fetch(`${s.url}/feeds/tech/exchange-online.atom`);
      const xml = await res.text();
      assert.doesNotMatch(xml, /<script>/);
      const entries = parseFeed(xml).feed.entry ?? [];
      assert.equal(entries.length, 1, 'the metadata change is not an entry');
      assert.equal(entries[0].title['#text'], HOSTILE_TITLE);
      assert.equal(entries[0].link[0]['@href'], `${TEST_BASE_URL}/a/support/exchange/mail-flow.md`);
    });

    it('per query: only matching articles, the query canonical in the feed id', async () => {
      const res = await fetch(`${s.url}/feeds/search.atom?q=${encodeURIComponent('winsock  port')}`);
      assert.equal(res.status, 200);
      const { feed } = parseFeed(await res.text());
      assert.equal(feed.id, 'tag:kbwatch.test,2024:feed/search/winsock%20port');
      assert.deepEqual(
        (feed.entry ?? []).map((e) => e.id),
        [kb.changes.winsockUpdated, kb.changes.winsockNew].map((id) => `tag:kbwatch.test,2024:change/${id}`),
      );
      const techRes = await fetch(
        `${s.url}/feeds/search.atom?q=${encodeURIComponent('tech:exchange-online OR kb:100001')}`,
      );
      assert.deepEqual(
        (parseFeed(await techRes.text()).feed.entry ?? []).map((e) => e.id),
        [kb.changes.serverNew, kb.changes.exchangeNew].map((id) => `tag:kbwatch.test,2024:change/${id}`),
      );
    });

    it('answers 400 with the parser message for a malformed or missing query', async () => {
      const bad = await fetch(`${s.url}/feeds/search.atom?q=${encodeURIComponent('(winsock')}`);
      assert.equal(bad.status, 400);
      assert.match(await bad.text(), /query: .*position/);
      const missing = await fetch(`${s.url}/feeds/search.atom`);
      assert.equal(missing.status, 400);
      assert.match(await missing.text(), /q parameter is required/);
    });

    it('sends validators and answers conditional GETs with 304', async () => {
      const url = `${s.url}/feeds/tech/kbwinsock.atom`;
      const first = await fetch(url);
      const etag = first.headers.get('etag')!;
      const lastModified = first.headers.get('last-modified')!;
      assert.match(etag, /^"[\w-]+"$/);
      assert.equal(lastModified, new Date('2024-01-20T03:00:00.000Z').toUTCString());
      assert.equal(first.headers.get('cache-control'), 'public, max-age=300');
      const byTag = await fetch(url, { headers: { 'If-None-Match': etag } });
      assert.equal(byTag.status, 304);
      assert.equal(await byTag.text(), '');
      assert.equal((await fetch(url, { headers: { 'If-None-Match': `"other", W/${etag}` } })).status, 304);
      assert.equal((await fetch(url, { headers: { 'If-Modified-Since': lastModified } })).status, 304);
      assert.equal(
        (await fetch(url, { headers: { 'If-Modified-Since': 'Fri, 19 Jan 2024 00:00:00 GMT' } })).status,
        200,
      );
      // If-None-Match wins over If-Modified-Since.
      assert.equal(
        (await fetch(url, { headers: { 'If-None-Match': '"stale"', 'If-Modified-Since': lastModified } }))
          .status,
        200,
      );
    });
  });
}
