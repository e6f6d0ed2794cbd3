import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { startTestServer, TEST_BASE_URL, type TestServer } from '../../../test/web-server.ts';
import { HOSTILE_TITLE, seedKb } from '../../../test/web-fixtures.ts';

function noCookies(res: Response): void {
  assert.deepEqual(res.headers.getSetCookie(), [], `no Set-Cookie on ${res.url}`);
}

for (const dialect of DIALECTS) {
  describe(`web: widget (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let s: TestServer;
    before(async () => {
      s = await startTestServer(dialect);
      await seedKb(s.ctx.store.db);
    });
    after(() => s?.close());

    it('serves the script: cacheable, no cookie, renders into a shadow DOM without innerHTML', async () => {
      const res = await fetch(`${s.url}/widget.js`, { headers: { Origin: 'https://blog.example' } });
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type')!, /^text\/javascript/);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
      assert.equal(res.headers.get('cross-origin-resource-policy'), 'cross-origin');
      noCookies(res);
      const js = await res.text();
      assert.match(js, /attachShadow/);
      assert.match(js, /credentials: 'omit'/);
      assert.doesNotMatch(js, /innerHTML/);
      const again = await fetch(`${s.url}/widget.js`, {
        headers: { 'If-None-Match': res.headers.get('etag')! },
      });
      assert.equal(again.status, 304);
    });

    it('serves data to any origin, without credentials or cookies, latest articles first', async () => {
      const res = await fetch(`${s.url}/widget/data.json?tech=windows-server-2019&count=5`, {
        headers: { Origin: 'https://blog.example', Cookie: 'kbw_session=whatever' },
      });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.equal(res.headers.get('access-control-allow-credentials'), null);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
      noCookies(res);
      const data = (await res.json()) as {
        title: string;
        more: string;
        items: { kb: number | null; title: string; url: string; updated: string }[];
      };
      assert.equal(data.title, 'Latest articles: Windows Server 2019');
      assert.equal(data.more, `${TEST_BASE_URL}/tech/windows-server-2019`);
      assert.deepEqual(
        data.items.map((i) => [i.kb, i.url, i.updated]),
        [
          [307175, `${TEST_BASE_URL}/kb/307175`, '2024-01-20T03:00:00.000Z'],
          [100001, `${TEST_BASE_URL}/kb/100001`, '2024-01-15T03:00:00.000Z'],
        ],
      );
      const one = (await (await fetch(`${s.url}/widget/data.json?q=winsock&count=1`)).json()) as {
        items: unknown[];
      };
      assert.equal(one.items.length, 1);
      const all = (await (await fetch(`${s.url}/widget/data.json`)).json()) as { items: { title: string }[] };
      assert.equal(all.items.length, 3);
      assert.ok(
        all.items.some((i) => i.title === HOSTILE_TITLE),
        'titles are data, sent as they are',
      );
    });

    it('answers bad options with JSON errors any origin can read, never cached', async () => {
      for (const [qs, status, code] of [
        ['count=0', 400, 'invalid_count'],
        ['count=21', 400, 'invalid_count'],
        ['count=abc', 400, 'invalid_count'],
        ['q=%28winsock', 400, 'invalid_query'],
        ['tech=no-such-tech', 404, 'unknown_technology'],
      ] as const) {
        const res = await fetch(`${s.url}/widget/data.json?${qs}`);
        assert.equal(res.status, status, qs);
        assert.equal(res.headers.get('access-control-allow-origin'), '*');
        assert.equal(res.headers.get('cache-control'), 'no-store');
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(body.error.code, code, qs);
        assert.match(body.error.message, /^widget: /);
      }
    });

    it('serves a framable page: frame-ancestors *, no X-Frame-Options, no script, no cookie, escaped titles', async () => {
      const res = await fetch(`${s.url}/widget/frame?tech=exchange-online&theme=dark`);
      assert.equal(res.status, 200);
      const csp = res.headers.get('content-security-policy')!;
      assert.match(csp, /frame-ancestors \*/);
      assert.doesNotMatch(csp, /script-src/);
      assert.match(csp, /default-src 'none'/);
      assert.equal(res.headers.get('x-frame-options'), null);
      assert.equal(res.headers.get('cache-control'), 'public, max-age=300');
      noCookies(res);
      const page = await res.text();
      assert.doesNotMatch(page, /<script/i);
      assert.match(page, /class="box dark"/);
      assert.match(
        page,
        /Exchange mail flow &quot;quoted&quot; &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; more/,
      );
      assert.match(
        page,
        /href="http:\/\/kbwatch\.test\/a\/support\/exchange\/mail-flow\.md" target="_blank" rel="noopener"/,
      );
      const style = /<style>([\s\S]*?)<\/style>/.exec(page)![1];
      const hash = createHash('sha256').update(style).digest('base64');
      assert.ok(csp.includes(`'sha256-${hash}'`), 'the inline style is allowed by its hash');
    });

    it('shows option errors inside the frame, still framable', async () => {
      const res = await fetch(`${s.url}/widget/frame?theme=purple`);
      assert.equal(res.status, 400);
      assert.match(res.headers.get('content-security-policy')!, /frame-ancestors \*/);
      assert.equal(res.headers.get('x-frame-options'), null);
      assert.match(await res.text(), /theme must be light or dark/);
    });
  });
}
