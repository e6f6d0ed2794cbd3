import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Browser, csrfOf } from '../../../test/browser.ts';
import { escapeHtml } from '../html.ts';
import { addUser } from '../../accounts/users.ts';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { insertManyArticles, seedSite, type Site } from '../../../test/web-factories.ts';
import { startTestServer, type TestServer } from '../../../test/web-server.ts';

const KB = 60 * 1024;

for (const dialect of DIALECTS) {
  describe(`web: public pages (${dialect})`, async () => {
    const skip = await skipReason(dialect);
    let w: TestServer;
    let site: Site;
    let b: Browser;
    before(async () => {
      if (skip) return;
      w = await startTestServer(dialect);
      site = await seedSite(w.ctx.store.db);
      await insertManyArticles(w.ctx.store.db, site.git, 45, site.tech.winsock);
      b = new Browser(w.url);
    });
    after(() => w?.close());

    it('renders every page type with 200 in the site shell', { skip }, async () => {
      const pages: [string, RegExp][] = [
        [
          '/',
          /Latest new and updated articles[\s\S]*Differences Between Listening Socket[\s\S]*Popular technologies[\s\S]*Create a free account/,
        ],
        ['/search?q=winsock', /articles match <strong>winsock<\/strong>/],
        ['/search', /How to search/],
        ['/search/advanced', /All of these words/],
        [
          '/kb/307175',
          /Article ID<\/dt><dd>307175[\s\S]*Last Review<\/dt><dd><time datetime="2007-03-01">March 1, 2007/,
        ],
        [
          `/kb/307175/diff?from=${site.revisions.first}&to=${site.revisions.second}`,
          /<del>SO_REUSEADDR<\/del><ins>SO_EXCLUSIVEADDRUSE<\/ins>/,
        ],
        [`/kb/307175/revisions/${site.revisions.classic}`, /published as Q307175[\s\S]*classic text/],
        [
          '/a/support/windows-server/networking/rpc-errors.md',
          /Troubleshoot RPC errors in Windows Server networking/,
        ],
        [
          `/a/support/windows-server/networking/rpc-errors.md?from=${site.revisions.rpc1}&to=${site.revisions.rpc2}`,
          /<ins>endpoint mapper ?<\/ins>/,
        ],
        [
          `/a/support/windows-server/networking/rpc-errors.md?revision=${site.revisions.rpc1}`,
          /RPC errors\./,
        ],
        ['/tech', /Windows Server 2019[\s\S]*kbWinsock/],
        ['/tech?q=server&kind=product', /1 technology with “server” in the name/],
        [
          '/tech/windows-server-2019',
          /Windows Server 2019[\s\S]*Also known as<\/dt><dd>ws2019[\s\S]*Atom feed/,
        ],
        ['/kb/999001', /Retired article/],
      ];
      for (const [path, expected] of pages) {
        const r = await b.get(path);
        assert.equal(r.status, 200, path);
        assert.match(r.headers.get('content-type') ?? '', /^text\/html; charset=utf-8/, path);
        assert.match(
          r.text,
          /<a class="skip-link" href="#main">[\s\S]*<main id="main"[\s\S]*<\/footer>/,
          path,
        );
        assert.match(r.text, expected, path);
        assert.doesNotMatch(
          r.text,
          /\bsrc="(https?:)?\/\/|<link rel="stylesheet" href="(https?:)?\/\//,
          `${path}: no external resources`,
        );
      }
    });

    it('lists the latest changes of small and big technologies', { skip }, async () => {
      const db = w.ctx.store.db;
      for (const count of [3, 50_000]) {
        await db
          .updateTable('technologies')
          .set({ article_count: count })
          .where('id', '=', site.tech.server)
          .execute();
        const r = await b.get('/tech/windows-server-2019');
        const titles = [...r.text.matchAll(/<a class="title" href="([^"]+)">/g)].map((m) => m[1]);
        assert.deepEqual(
          titles,
          ['/kb/307175', '/a/support/windows-server/networking/rpc-errors.md'],
          `article_count ${count}`,
        );
      }
      await db
        .updateTable('technologies')
        .set({ article_count: 3 })
        .where('id', '=', site.tech.server)
        .execute();
    });

    it('answers a malformed query with the parser message, 400, in a full page', { skip }, async () => {
      for (const [q, message] of [
        ['(winsock', /unbalanced &quot;\(&quot;: no &quot;\)&quot; after it at position 0/],
        ['winsock OR', /expected a term after OR/],
        ['updated:>=2022-13-01', /bad date &quot;2022-13-01&quot;/],
        ['colour:blue', /unknown field &quot;colour:&quot;/],
      ] as const) {
        const r = await b.get(`/search?q=${encodeURIComponent(q)}`);
        assert.equal(r.status, 400, q);
        assert.match(r.text, message, q);
        assert.match(r.text, /role="alert"[\s\S]*<mark>/, q);
        assert.match(
          r.text,
          new RegExp(
            `<input id="search-q" name="q" type="search" value="${escapeHtml(q).replace(/[()]/g, '\\$&')}"`,
          ),
          `${q} stays in the box`,
        );
        assert.match(r.text, /<footer class="site-footer">/);
      }
    });

    it('sends KB-number queries straight to the article', { skip }, async () => {
      for (const q of ['KB307175', 'Q307175', '307175', 'kb:307175', ' kb307175 ']) {
        const r = await b.get(`/search?q=${encodeURIComponent(q)}`);
        assert.equal(r.status, 302, q);
        assert.equal(r.location, '/kb/307175', q);
      }
      const unknown = await b.get('/search?q=KB123456');
      assert.equal(unknown.status, 200);
      assert.match(unknown.text, /No articles match/);
    });

    it('pages, sorts and filters results by technology', { skip }, async () => {
      const first = await b.get('/search?q=winsock');
      const total = Number(/([\d,]+) articles match/.exec(first.text)?.[1]);
      assert.ok(total >= 47, `total ${total}`);
      assert.equal((first.text.match(/<a class="title"/g) ?? []).length, 20);
      assert.match(first.text, /<mark>winsock<\/mark>|<mark>Winsock<\/mark>/i);
      assert.match(first.text, /<a href="\/search\?q=winsock&amp;page=2" rel="next">/);
      assert.match(
        first.text,
        /<a href="\/search\?q=winsock&amp;tech=kbwinsock">kbWinsock<\/a> <span class="count">\d+<\/span>/,
      );
      const third = await b.get('/search?q=winsock&page=3');
      assert.equal((third.text.match(/<a class="title"/g) ?? []).length, total - 40);
      assert.match(
        third.text,
        /<span aria-current="page"><span class="visually-hidden">Page <\/span>3<\/span>/,
      );
      const byDate = await b.get('/search?q=winsock&sort=date');
      const dates = [...byDate.text.matchAll(/updated <time datetime="([\d-]+)"/g)].map((m) => m[1]);
      assert.deepEqual(dates, [...dates].sort().reverse());
      const filtered = await b.get('/search?q=winsock&tech=kbwinsock');
      const count = Number(
        /(\d+) articles match <strong>winsock<\/strong> in <a href="\/tech\/kbwinsock">kbWinsock<\/a>/.exec(
          filtered.text,
        )?.[1],
      );
      assert.ok(count > 40 && count < total, `${count} of ${total}`);
      assert.match(filtered.text, /<strong aria-current="true">kbWinsock<\/strong>/);
      assert.match(filtered.text, /<a href="\/search\?q=winsock">All technologies<\/a>/);
      const one = await b.get('/search?q=winsock&tech=bad-tech');
      assert.match(one.text, /1 article matches <strong>winsock<\/strong>/);
    });

    it('builds a query from the advanced form and refills the form from it', { skip }, async () => {
      const fields = {
        all: 'listening socket',
        exact: 'Windows 2000',
        any: 'bind listen',
        none: 'linux',
        product: 'Windows Server 2019',
        keyword: 'kbWinsock',
        kb: '',
        from: '2001-01-01',
        to: '2024-12-31',
        query: '',
      };
      const sent = await b.get(`/search?${new URLSearchParams({ adv: '1', ...fields, sort: 'date' })}`);
      assert.equal(sent.status, 303);
      const target = new URL(sent.location!, w.url);
      assert.equal(target.pathname, '/search');
      assert.equal(
        target.searchParams.get('q'),
        'listening socket "Windows 2000" (bind OR listen) -linux product:"Windows Server 2019" keyword:kbWinsock updated:>=2001-01-01 updated:<=2024-12-31',
      );
      assert.equal(target.searchParams.get('sort'), 'date');
      const results = await b.get(sent.location!);
      assert.equal(results.status, 200);
      assert.match(results.text, /1 article matches/);
      const refill = await b.get(
        `/search/advanced?${new URLSearchParams({ q: target.searchParams.get('q')!, sort: 'date' })}`,
      );
      for (const [name, value] of Object.entries(fields))
        assert.match(
          refill.text,
          new RegExp(`name="${name}" type="(text|date)" value="${value.replace(/"/g, '&quot;')}"`),
          name,
        );
      assert.match(refill.text, /<option value="date" selected>/);
      const odd = await b.get(`/search/advanced?q=${encodeURIComponent('(a b) OR c')}`);
      assert.match(odd.text, /they are in the Query box/);
      assert.match(odd.text, /name="query" type="text" value="\(a b\) OR c"/);
      const bad = await b.get(`/search?${new URLSearchParams({ adv: '1', all: 'x', from: '2023-02-30' })}`);
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Updated from: &quot;2023-02-30&quot; is not a date/);
      assert.match(
        bad.text,
        /id="adv-from" name="from" type="date" value="2023-02-30"[^>]*aria-invalid="true"/,
      );
      const empty = await b.get('/search?adv=1&all=');
      assert.equal(empty.status, 400);
      assert.match(empty.text, /Fill in at least one field/);
    });

    it('subscribes a signed-in reader to a technology or a search from its page', { skip }, async () => {
      const anon = await b.get('/tech/windows-server-2019');
      assert.match(anon.text, /<a class="button" href="\/signup">Sign up to subscribe<\/a>/);
      assert.match(
        anon.text,
        /<a href="\/feeds\/tech\/windows-server-2019.atom" type="application\/atom\+xml">Atom feed<\/a>/,
      );
      const user = await addUser(w.ctx, {
        email: `reader-${dialect}@example.org`,
        password: 'reader password 1',
        confirmed: true,
      });
      const reader = new Browser(w.url);
      await reader.submit('/login', '/login', { email: user.email, password: 'reader password 1' });
      const tech = await reader.get('/tech/windows-server-2019');
      assert.match(tech.headers.get('cache-control') ?? '', /private/);
      const r = await reader.post('/account/subscriptions', {
        _csrf: csrfOf(tech.text, '/account/subscriptions'),
        technology: 'windows-server-2019',
      });
      assert.equal(r.status, 303);
      const search = await reader.get('/search?q=winsock');
      const s = await reader.post('/account/subscriptions', {
        _csrf: csrfOf(search.text, '/account/subscriptions'),
        query: 'winsock',
      });
      assert.equal(s.status, 303);
      const subs = await w.ctx.store.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('user_id', '=', user.id)
        .orderBy('id')
        .execute();
      assert.deepEqual(
        subs.map((x) => [x.kind, x.technology_id, x.query]),
        [
          ['technology', site.tech.server, null],
          ['query', null, 'winsock'],
        ],
      );
    });

    it('keeps every page under 60 KB besides the article body', { skip }, async () => {
      const bodies = await w.ctx.store.db
        .selectFrom('articles')
        .select(['kb', 'body_html'])
        .where('kb', 'is not', null)
        .execute();
      const paths = [
        '/',
        '/search?q=winsock',
        '/search/advanced',
        '/tech',
        '/tech/kbwinsock',
        '/kb/307175',
        '/kb/666001',
        `/kb/307175/diff?from=${site.revisions.classic}&to=${site.revisions.second}`,
      ];
      for (const path of paths) {
        const r = await b.get(path);
        const kb = /^\/kb\/(\d+)$/.exec(path)?.[1];
        const body = kb ? (bodies.find((a) => String(a.kb) === kb)?.body_html.length ?? 0) : 0;
        assert.ok(Buffer.byteLength(r.text) - body < KB, `${path}: ${r.text.length} bytes`);
      }
    });
  });
}
