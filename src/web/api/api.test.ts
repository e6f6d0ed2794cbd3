/** What the API answers, beyond its shapes: the right articles, revisions, technologies and change pages. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { startTestServer, TEST_BASE_URL, type TestServer } from '../../../test/web-server.ts';
import { HOSTILE_TITLE, seedKb, type SeededKb } from '../../../test/web-fixtures.ts';

for (const dialect of DIALECTS) {
  describe(`web: JSON API (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let s: TestServer;
    let kb: SeededKb;
    const get = async (path: string) => {
      const res = await fetch(`${s.url}${path.replace(TEST_BASE_URL, '')}`);
      return { status: res.status, headers: res.headers, body: (await res.json()) as any };
    };
    before(async () => {
      s = await startTestServer(dialect);
      kb = await seedKb(s.ctx.store.db);
    });
    after(() => s?.close());

    it('searches with limit, offset and sort', async () => {
      const r = await get('/api/v1/search?q=winsock');
      assert.equal(r.body.total, 1);
      assert.deepEqual(r.body.results[0].kb, 307175);
      assert.equal(r.body.results[0].url, `${TEST_BASE_URL}/kb/307175`);
      assert.deepEqual(r.body.results[0].technologies.sort(), ['kbwinsock', 'windows-server-2019']);
      const byDate = await get('/api/v1/search?q=tech:windows-server-2019&sort=date&limit=1&offset=1');
      assert.equal(byDate.body.total, 2);
      assert.deepEqual(
        byDate.body.results.map((x: { kb: number }) => x.kb),
        [307175],
      );
    });

    it('serves an article with its revisions, each revision with its text', async () => {
      const a = (await get('/api/v1/articles/307175')).body;
      assert.equal(a.title, 'How to use Winsock to listen on a port');
      assert.equal(a.source, 'support-docs');
      assert.deepEqual(a.keywords, ['kbWinsock']);
      assert.deepEqual(
        a.revisions.map((r: { number: string }) => r.number),
        ['1.0', '2.0'],
      );
      const first = await get(a.revisions[0].href);
      assert.equal(first.status, 200);
      assert.equal(first.body.text, 'Use SO_REUSEADDR.');
      assert.equal(first.headers.get('cache-control'), 'public, max-age=86400');
    });

    it('finds an article without a KB number by its path or an old path, hostile title as plain data', async () => {
      for (const path of ['support/exchange/mail-flow.md', 'support/exchange/old-mail-flow.md']) {
        const a = (await get(`/api/v1/articles?path=${encodeURIComponent(path)}`)).body;
        assert.equal(a.kb, null);
        assert.equal(a.title, HOSTILE_TITLE);
        assert.equal(a.path, 'support/exchange/mail-flow.md');
        assert.equal(a.url, `${TEST_BASE_URL}/a/support/exchange/mail-flow.md`);
        const rev = await get(a.revisions[0].href);
        assert.equal(rev.body.id, kb.revisions.exchange[0]);
      }
    });

    it('lists technologies by name and kind, and shows one with aliases and latest changes', async () => {
      const all = (await get('/api/v1/technologies')).body;
      assert.equal(all.total, 3);
      assert.equal(all.results[0].slug, 'windows-server-2019', 'most articles first');
      const found = (await get('/api/v1/technologies?q=sock')).body;
      assert.deepEqual(
        found.results.map((t: { slug: string }) => t.slug),
        ['kbwinsock'],
      );
      const products = (await get('/api/v1/technologies?kind=product&limit=1&offset=1')).body;
      assert.equal(products.total, 2);
      assert.deepEqual(
        products.results.map((t: { slug: string }) => t.slug),
        ['exchange-online'],
      );
      const one = (await get('/api/v1/technologies/kbWinsock')).body;
      assert.equal(one.feed, `${TEST_BASE_URL}/feeds/tech/kbwinsock.atom`);
      assert.deepEqual(one.aliases, ['kbwinsock']);
      assert.deepEqual(
        one.latest.map((c: { id: number }) => c.id),
        [kb.changes.winsockUpdated, kb.changes.winsockNew],
      );
    });

    it('pages through changes since a time by id, filtered by kind', async () => {
      const all = (await get('/api/v1/changes?since=2024-01-01')).body;
      assert.equal(all.since, '2024-01-01T00:00:00.000Z');
      assert.deepEqual(
        all.results.map((c: { kind: string }) => c.kind),
        ['new', 'new', 'new', 'updated', 'metadata', 'moved'],
      );
      assert.equal(all.next, null);
      const later = (await get('/api/v1/changes?since=2024-01-21T04:00:00%2B01:00')).body;
      assert.deepEqual(
        later.results.map((c: { id: number }) => c.id),
        [kb.changes.exchangeMetadata, kb.changes.serverMoved],
      );
      const seen: number[] = [];
      let url: string | null = '/api/v1/changes?since=2024-01-01&kind=new,updated&limit=3';
      while (url) {
        const page: { results: { id: number }[]; next: string | null } = (await get(url)).body;
        seen.push(...page.results.map((c) => c.id));
        url = page.next;
      }
      assert.deepEqual(seen, [
        kb.changes.winsockNew,
        kb.changes.exchangeNew,
        kb.changes.serverNew,
        kb.changes.winsockUpdated,
      ]);
      const updated = (await get('/api/v1/changes?since=2024-01-01&kind=updated')).body.results[0];
      assert.deepEqual(updated.summary, {
        sections: ['Resolution'],
        wordsAdded: 3,
        wordsRemoved: 1,
        minor: false,
      });
    });

    it('allows any origin for API GETs (with a preflight), and nowhere else', async () => {
      const pre = await fetch(`${s.url}/api/v1/search?q=x`, {
        method: 'OPTIONS',
        headers: {
          Origin: 'https://a.example',
          'Access-Control-Request-Method': 'GET',
          'Access-Control-Request-Headers': 'x-client',
        },
      });
      assert.equal(pre.status, 204);
      assert.equal(pre.headers.get('access-control-allow-origin'), '*');
      assert.equal(pre.headers.get('access-control-allow-methods'), 'GET, HEAD');
      assert.equal(pre.headers.get('access-control-allow-headers'), 'x-client');
      assert.equal(pre.headers.get('access-control-allow-credentials'), null);
      for (const path of ['/feeds/tech/kbwinsock.atom', '/widget/frame', '/healthz']) {
        const res = await fetch(`${s.url}${path}`, { headers: { Origin: 'https://a.example' } });
        assert.equal(res.headers.get('access-control-allow-origin'), null, path);
      }
    });
  });
}
