import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { skipReason } from '../../../test/stores.ts';
import { startTestServer, type TestServer } from '../../../test/web-server.ts';
import { seedKb } from '../../../test/web-fixtures.ts';

function unescape(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function textarea(page: string, id: string): string {
  const m = new RegExp(`<textarea id="${id}"[^>]*>([\\s\\S]*?)</textarea>`).exec(page);
  assert.ok(m, `textarea ${id}`);
  return unescape(m[1]);
}

describe('web: webmasters snippet builder', { skip: await skipReason('sqlite') }, () => {
  let s: TestServer;
  before(async () => {
    s = await startTestServer('sqlite');
    await seedKb(s.ctx.store.db);
  });
  after(() => s?.close());

  it('shows a GET form and no snippets before it is sent', async () => {
    const res = await fetch(`${s.url}/webmasters`);
    assert.equal(res.status, 200);
    const page = await res.text();
    assert.match(page, /<form class="widget-builder" action="\/webmasters" method="get">/);
    assert.match(page, /<option value="windows-server-2019">Windows Server 2019<\/option>/);
    assert.doesNotMatch(page, /<textarea/);
    assert.equal(res.headers.getSetCookie().length, 0);
  });

  it('re-renders with both snippets, escaped, and a preview of the chosen options', async () => {
    const res = await fetch(`${s.url}/webmasters?tech=kbWinsock&q=port&count=3&theme=dark`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-security-policy')!, /frame-src 'self'/);
    const page = await res.text();
    assert.equal(
      textarea(page, 'snippet-script'),
      '<script src="http://kbwatch.test/widget.js" data-tech="kbwinsock" data-query="port" data-count="3" data-theme="dark" async></script>',
    );
    assert.equal(
      textarea(page, 'snippet-iframe'),
      '<iframe src="http://kbwatch.test/widget/frame?tech=kbwinsock&amp;q=port&amp;count=3&amp;theme=dark" title="Latest articles: kbWinsock · port" width="360" height="420" loading="lazy" style="border:0"></iframe>',
    );
    const preview = /<iframe class="widget-preview" src="([^"]+)"/.exec(page)![1];
    assert.equal(unescape(preview), '/widget/frame?tech=kbwinsock&q=port&count=3&theme=dark');
    const frame = await fetch(`${s.url}${unescape(preview)}`);
    assert.equal(frame.status, 200);
    assert.match(await frame.text(), /KB307175: How to use Winsock/);
    assert.match(
      page,
      /<select id="w-theme" name="theme"><option value="light">light<\/option><option value="dark" selected>dark<\/option>/,
    );
  });

  it('shows option errors on the page and escapes whatever was typed', async () => {
    const res = await fetch(
      `${s.url}/webmasters?tech=${encodeURIComponent('<script>alert(1)</script>')}&count=5`,
    );
    assert.equal(res.status, 404);
    const page = await res.text();
    assert.doesNotMatch(page, /<script>alert/);
    assert.match(page, /no technology &quot;&lt;script&gt;alert\(1\)&lt;\/script&gt;&quot;/);
    const bad = await fetch(`${s.url}/webmasters?q=${encodeURIComponent('"><b>x')}&count=50`);
    assert.equal(bad.status, 400);
    const text = await bad.text();
    assert.doesNotMatch(text, /"><b>x/);
    assert.match(text, /count must be a whole number from 1 to 20/);
  });
});
