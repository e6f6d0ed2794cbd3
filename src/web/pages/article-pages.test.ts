import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Browser, csrfOf } from '../../../test/browser.ts';
import { escapeHtml } from '../html.ts';
import { insertArticle, insertChange, insertRevision, insertScan } from '../../../test/api-factories.ts';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { HOSTILE, seedSite, type Site } from '../../../test/web-factories.ts';
import { startTestServer, type TestServer } from '../../../test/web-server.ts';

for (const dialect of DIALECTS) {
  describe(`web: article pages (${dialect})`, async () => {
    const skip = await skipReason(dialect);
    let w: TestServer;
    let site: Site;
    let b: Browser;
    before(async () => {
      if (skip) return;
      w = await startTestServer(dialect);
      site = await seedSite(w.ctx.store.db);
      b = new Browser(w.url);
    });
    after(() => w?.close());

    it(
      'shows the article metadata, credit, history, mentions and the classic original',
      { skip },
      async () => {
        const r = await b.get('/kb/307175');
        assert.match(r.text, /Revision<\/dt><dd>2\.0/);
        assert.match(
          r.text,
          /Applies to<\/dt><dd><ul><li><a href="\/tech\/windows-server-2019">Windows Server 2019<\/a><\/li><li>Microsoft Windows NT Server 4\.0<\/li>/,
        );
        assert.match(r.text, /<a href="\/tech\/kbwinsock">kbWinsock<\/a>/);
        assert.match(
          r.text,
          /previously published under <a href="\/kb\/307175\/revisions\/\d+">Q307175<\/a>/,
        );
        assert.match(
          r.text,
          /Source: Microsoft, <a href="https:\/\/creativecommons.org\/licenses\/by\/4.0\/" rel="license">CC BY 4.0<\/a>/,
        );
        assert.match(
          r.text,
          /<a href="https:\/\/learn.example.org\/[^"]+" rel="noopener noreferrer">Read the original article<\/a>/,
        );
        assert.match(
          r.text,
          /Mentioned in<\/h2>\s*<ul class="items"><li><a href="\/kb\/555001">Port exhaustion on busy servers/,
        );
        assert.match(r.text, /Be the first to leave feedback/);
        assert.equal((r.text.match(/<tr>\s*<td><a href="\/kb\/307175\/revisions\//g) ?? []).length, 3);
      },
    );

    it(
      'compares the last two revisions of the shown source by default, without a repeated title',
      { skip },
      async () => {
        const diff = await b.get('/kb/307175/diff');
        assert.match(
          diff.text,
          /<del>SO_REUSEADDR<\/del><ins>SO_EXCLUSIVEADDRUSE<\/ins>/,
          'not the classic text against the modern one',
        );
        await w.ctx.store.db
          .updateTable('articles')
          .set({ body_html: '<h1>Troubleshoot RPC errors</h1>\n<p>Body text.</p>', content_hash: 'with-h1' })
          .where('id', '=', site.articles.rpc)
          .execute();
        const page = await b.get('/a/support/windows-server/networking/rpc-errors.md');
        assert.equal((page.text.match(/<h1\b/g) ?? []).length, 1);
        assert.match(page.text, /<div class="article-body"><p>Body text.<\/p><\/div>/);
      },
    );

    it('renders hostile titles, text, links and feedback as text', { skip }, async () => {
      const pages = [
        '/kb/666001',
        `/kb/666001/revisions/${site.revisions.hostile}`,
        '/',
        '/search?q=hostile',
        '/tech/bad-tech',
        '/tech?q=bad',
      ];
      for (const path of pages) {
        const r = await b.get(path);
        assert.equal(r.status, 200, path);
        assert.doesNotMatch(r.text, /<script|<b>|<img|(href|src)=["']?javascript:/i, path);
      }
      const article = await b.get('/kb/666001');
      assert.match(
        article.text,
        /<h1 id="article-title">&lt;script&gt;alert\(&quot;title&quot;\)&lt;\/script&gt; &amp; &lt;b&gt;bold&lt;\/b&gt; &quot;quotes&quot;<\/h1>/,
      );
      assert.match(article.text, /<title>&lt;script&gt;/);
      assert.ok(article.text.includes(`<h1 id="article-title">${escapeHtml(HOSTILE.title)}</h1>`));
      assert.match(article.text, /<li>&lt;img src=x onerror=alert\(1\)&gt;<\/li>/);
      assert.match(article.text, /<a href="#" rel="noopener noreferrer">Read the original article<\/a>/);
      assert.match(article.text, /<p class="text">&lt;script&gt;alert\(&#39;feedback&#39;\)&lt;\/script&gt;/);
      assert.match(
        article.text,
        /<strong>&lt;b&gt;Mallory&lt;\/b&gt;<\/strong>/,
        'a javascript: contact is not a link',
      );
      assert.match(
        article.text,
        /<a href="https:\/\/alice.example.org\/notes" rel="nofollow ugc noopener noreferrer">Alice<\/a>/,
      );
      assert.doesNotMatch(article.text, /eve@example\.org/, 'an e-mail contact is never shown');
      assert.match(article.text, /<strong>Eve<\/strong>/);
      assert.doesNotMatch(article.text, /Waiting for a moderator/, 'pending feedback is not shown');
      const revision = await b.get(`/kb/666001/revisions/${site.revisions.hostile}`);
      assert.match(
        revision.text,
        /&lt;script&gt;alert\(&#39;revision&#39;\)&lt;\/script&gt; &lt;a href=&quot;javascript:alert\(1\)&quot;&gt;click/,
      );
    });

    it('redirects old and other addresses of an article', { skip }, async () => {
      const cases: [string, number, string][] = [
        [
          '/a/support/windows-server/rpc-errors.md',
          301,
          '/a/support/windows-server/networking/rpc-errors.md',
        ],
        [
          `/a/support/windows-server/rpc-errors.md?revision=${site.revisions.rpc1}`,
          301,
          `/a/support/windows-server/networking/rpc-errors.md?revision=${site.revisions.rpc1}`,
        ],
        ['/a/txt/307/Q307175.TXT', 301, '/kb/307175'],
        ['/a/support/windows/win32/listening-socket-reuse.md', 301, '/kb/307175'],
        ['/kb/KB307175', 301, '/kb/307175'],
        ['/kb/Q307175/diff?from=1&to=2', 301, '/kb/307175/diff?from=1&to=2'],
        ['/tech/ws2019', 301, '/tech/windows-server-2019'],
        ['/tech/Windows%20Server%202019', 301, '/tech/windows-server-2019'],
      ];
      for (const [path, status, location] of cases) {
        const r = await b.get(path);
        assert.equal(r.status, status, path);
        assert.equal(r.location, location, path);
      }
      for (const path of [
        '/kb/1',
        '/kb/abc',
        '/a/support/none.md',
        '/tech/nothing',
        `/kb/307175/revisions/${site.revisions.rpc1}`,
        '/kb/307175/diff?from=x&to=1',
      ]) {
        const r = await b.get(path);
        assert.ok(r.status === 404 || r.status === 400, `${path}: ${r.status}`);
        assert.match(r.text, /<header class="site-header">/, `${path} in the site look`);
      }
    });

    it('sends an ETag with article pages and 304 for a conditional GET', { skip }, async () => {
      const reader = new Browser(w.url);
      const first = await reader.get('/kb/307175');
      const etag = first.headers.get('etag')!;
      assert.match(etag, /^W\/"a\d+-[\w-]+"$/);
      assert.match(first.headers.get('cache-control') ?? '', /no-cache/);
      const second = await reader.request('GET', '/kb/307175', undefined, { 'if-none-match': etag });
      assert.equal(second.status, 304);
      assert.equal(second.text, '');
      await w.ctx.store.db
        .insertInto('feedback')
        .values({
          article_id: site.articles.socket,
          user_id: null,
          name: '',
          contact: '',
          body: 'Approved note',
          status: 'approved',
          created_at: '2024-01-30T00:00:00.000Z',
          ip_hash: '',
        })
        .execute();
      const third = await reader.request('GET', '/kb/307175', undefined, { 'if-none-match': etag });
      assert.equal(third.status, 200, 'new feedback changes the ETag');
      assert.notEqual(third.headers.get('etag'), etag);
      const css = await reader.get('/static/site.css');
      assert.match(css.headers.get('cache-control') ?? '', /max-age=31536000/);
      assert.equal(
        (
          await reader.request('GET', '/static/site.css', undefined, {
            'if-none-match': css.headers.get('etag')!,
          })
        ).status,
        304,
      );
    });

    it('keeps a long revision history small', { skip }, async () => {
      const db = w.ctx.store.db;
      const ids: number[] = [];
      for (let i = 0; i < 150; i++) {
        const row = await db
          .insertInto('revisions')
          .values({
            article_id: site.articles.mentioning,
            source_id: site.git,
            number: `${i + 1}.0`,
            path: 'p.md',
            ref: null,
            seen_at: '2024-01-19T03:00:00.000Z',
            title: 'Port exhaustion on busy servers',
            description: '',
            text: `Text ${i}`,
            meta: '{}',
            content_hash: 'c',
            meta_hash: 'm',
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        ids.push(row.id);
      }
      const r = await b.get('/kb/555001');
      assert.ok(r.text.length < 60 * 1024, `${r.text.length} bytes`);
      assert.match(r.text, /120 older revisions: <a href="\/kb\/555001\/revisions\/\d+">1\.0<\/a>/);
      for (const id of [ids[0], ids[119], ids[120], ids[149]])
        assert.ok(r.text.includes(`href="/kb/555001/revisions/${id}"`), `revision ${id} is one click away`);
      assert.ok(
        r.text.includes(`href="/kb/555001/diff?from=${ids[119]}&amp;to=${ids[120]}"`),
        'the first row compares with the revision before it',
      );
    });

    it(
      'renders shared pages once but gives every visitor their own form token, and shows new changes',
      { skip },
      async () => {
        const one = new Browser(w.url);
        const two = new Browser(w.url);
        const [a, b2] = [await one.get('/kb/555001'), await two.get('/kb/555001')];
        const [ta, tb] = [csrfOf(a.text, '/feedback'), csrfOf(b2.text, '/feedback')];
        assert.notEqual(ta, tb);
        assert.equal(a.text.replace(ta, ''), b2.text.replace(tb, ''), 'the same page otherwise');
        assert.doesNotMatch(a.text, /csrf-slot-/);
        const again = await one.get('/kb/555001');
        assert.equal(csrfOf(again.text, '/feedback'), ta);
        const before = await one.get('/');
        assert.doesNotMatch(before.text, /Port exhaustion on busy servers/);
        const scan = await insertScan(w.ctx.store.db, site.git, '2024-01-31T03:00:00.000Z');
        await insertChange(w.ctx.store.db, {
          scanId: scan,
          sourceId: site.git,
          articleId: site.articles.mentioning,
          kind: 'updated',
          title: 'Port exhaustion on busy servers',
          kb: 555001,
          detectedAt: '2024-01-31T03:00:00.000Z',
        });
        const after = await one.get('/');
        assert.match(after.text, /Port exhaustion on busy servers/);
        assert.match((await one.get('/tech/kbwinsock')).text, /Port exhaustion on busy servers/);
        assert.match((await one.get('/search?q=exhaustion')).text, /1 article matches/);
        await insertArticle(w.ctx.store.db, {
          sourceId: site.git,
          title: 'Ephemeral port exhaustion',
          body: 'exhaustion again',
        });
        await insertChange(w.ctx.store.db, {
          scanId: scan,
          sourceId: site.git,
          articleId: site.articles.mentioning,
          kind: 'updated',
          title: 'x',
          detectedAt: '2024-01-31T03:00:01.000Z',
        });
        assert.match(
          (await one.get('/search?q=exhaustion')).text,
          /2 articles match/,
          'a scan shows in cached searches',
        );
        const rows = (t: string) => (t.match(/<tr>\s*<td><a href="\/kb\/307175\/revisions\//g) ?? []).length;
        const history = rows((await one.get('/kb/307175')).text);
        await insertRevision(w.ctx.store.db, {
          articleId: site.articles.socket,
          sourceId: site.classic,
          number: '4.4',
          text: 'Another classic text.',
        });
        assert.equal(
          rows((await one.get('/kb/307175')).text),
          history + 1,
          'a revision without a change shows too',
        );
      },
    );
  });
}
