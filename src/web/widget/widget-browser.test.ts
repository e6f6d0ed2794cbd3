/**
 * The widget in a real browser (playwright-core driving Debian's Chromium): a page served from
 * another origin embeds the script and the iframe variants, and both show the latest articles.
 * Skipped with a visible reason when Chromium is missing, never when CI=true.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { skipReason } from '../../../test/stores.ts';
import { startTestServer, type TestServer } from '../../../test/web-server.ts';
import { HOSTILE_TITLE, seedKb } from '../../../test/web-fixtures.ts';
import { ARTIFACTS, chromiumMissing, launchChromium } from '../../../test/chromium.ts';
import { seriousViolations } from '../../../test/axe.ts';

function hostPage(kbwatch: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A blog about servers</title></head>
<body><h1>My blog</h1>
<div id="script-widget"><script src="${kbwatch}/widget.js" data-tech="windows-server-2019" data-count="5" data-theme="dark" async></script></div>
<div id="query-widget"><script src="${kbwatch}/widget.js" data-query="winsock" data-count="1" async></script></div>
<iframe id="frame-widget" src="${kbwatch}/widget/frame?tech=exchange-online&amp;theme=light" title="Latest articles" width="360" height="300"></iframe>
</body></html>`;
}

describe(
  'web: widget embedded on another site, in Chromium',
  { skip: chromiumMissing() || (await skipReason('sqlite')) },
  () => {
    let s: TestServer;
    let host: Server;
    let hostUrl: string;
    let browser: Browser;
    before(async () => {
      s = await startTestServer('sqlite');
      await seedKb(s.ctx.store.db);
      host = createServer((req, res) => {
        // /strict: a host page with its own strict CSP that allows only kbwatch's origin for scripts and fetches.
        const csp =
          req.url === '/strict'
            ? {
                'content-security-policy': `default-src 'none'; script-src ${s.url}; connect-src ${s.url}; frame-src ${s.url}`,
              }
            : {};
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', ...csp }).end(hostPage(s.url));
      });
      await new Promise<void>((resolve) => host.listen(0, '127.0.0.1', resolve));
      // Another host name and port than kbwatch's: a different origin.
      hostUrl = `http://localhost:${(host.address() as AddressInfo).port}/`;
      browser = await launchChromium();
    });
    after(async () => {
      await browser?.close();
      await new Promise((resolve) => host?.close(resolve));
      await s?.close();
    });

    it('renders both script widgets in shadow DOM and the iframe, with no cookies and no errors', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') errors.push(m.text());
      });
      await page.goto(hostUrl);

      const links = page.locator('#script-widget .kbwatch-widget li a');
      await links.nth(1).waitFor({ timeout: 15_000 });
      assert.deepEqual(await links.allTextContents(), [
        'KB307175: How to use Winsock to listen on a port',
        'KB100001: Windows Server does not boot after an update',
      ]);
      assert.equal(await links.first().getAttribute('href'), 'http://kbwatch.test/kb/307175');
      assert.equal(
        await page.locator('#script-widget .kbwatch-widget h2').textContent(),
        'Latest articles: Windows Server 2019',
      );
      const inShadow = await page.evaluate(() => {
        const hostEl = document.querySelector('#script-widget .kbwatch-widget');
        return {
          shadow: Boolean(hostEl?.shadowRoot),
          lightChildren: hostEl?.children.length,
          dark: Boolean(hostEl?.shadowRoot?.querySelector('.box.dark')),
        };
      });
      assert.deepEqual(inShadow, { shadow: true, lightChildren: 0, dark: true });

      const query = page.locator('#query-widget .kbwatch-widget li a');
      await query.first().waitFor();
      assert.deepEqual(await query.allTextContents(), ['KB307175: How to use Winsock to listen on a port']);

      const frame = page.frameLocator('#frame-widget');
      const frameLink = frame.locator('li a');
      await frameLink.first().waitFor();
      assert.equal(
        await frameLink.first().textContent(),
        HOSTILE_TITLE,
        'markup in a title is shown as text',
      );
      assert.equal(
        await page.evaluate(() => document.querySelectorAll('script:not([src])').length),
        0,
        'nothing injected into the host page',
      );

      assert.deepEqual(await seriousViolations(page), [], 'axe-core, shadow DOM and frame included');
      assert.deepEqual(await context.cookies(), []);
      assert.deepEqual(errors, []);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: `${ARTIFACTS}/widget-embedded.png`, fullPage: true });
      await context.close();
    });

    it('works on a host page with a strict CSP that allows kbwatch for scripts, fetches and frames only', async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const violations: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') violations.push(m.text());
      });
      await page.goto(`${hostUrl}strict`);
      const links = page.locator('#script-widget .kbwatch-widget li a');
      await links.nth(1).waitFor({ timeout: 15_000 });
      const background = await page.evaluate(() => {
        const box = document
          .querySelector('#script-widget .kbwatch-widget')
          ?.shadowRoot?.querySelector('.box');
        return box ? getComputedStyle(box).backgroundColor : null;
      });
      assert.equal(
        background,
        'rgb(27, 31, 36)',
        'the widget styles apply without style-src on the host page',
      );
      assert.equal(await page.frameLocator('#frame-widget').locator('li a').count(), 1);
      assert.deepEqual(violations, []);
      await context.close();
    });
  },
);
