/**
 * The public pages in Chromium: axe-core finds no serious or critical problem on any page type,
 * in light and dark colours, and a visitor can search, read an article and leave feedback
 * without JavaScript. Screenshots go to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser as Chromium } from 'playwright-core';
import { seriousViolations } from '../../../test/axe.ts';
import { ARTIFACTS, chromiumMissing, launchChromium } from '../../../test/chromium.ts';
import { skipReason } from '../../../test/stores.ts';
import { insertManyArticles, seedSite, type Site } from '../../../test/web-factories.ts';
import { startTestServer, type TestServer } from '../../../test/web-server.ts';

describe(
  'web: public pages in a browser',
  { skip: chromiumMissing() || (await skipReason('sqlite')) },
  () => {
    let w: TestServer;
    let site: Site;
    let chromium: Chromium;
    before(async () => {
      w = await startTestServer('sqlite');
      site = await seedSite(w.ctx.store.db);
      await insertManyArticles(w.ctx.store.db, site.git, 25, site.tech.winsock);
      chromium = await launchChromium();
      mkdirSync(ARTIFACTS, { recursive: true });
    });
    after(async () => {
      await chromium?.close();
      await w?.close();
    });

    const pages = (): [string, string, number][] => [
      ['home', '/', 200],
      ['search', '/search?q=winsock', 200],
      ['search-empty', '/search', 200],
      ['search-error', '/search?q=(winsock%20OR', 400],
      ['advanced', '/search/advanced', 200],
      [
        'advanced-refill',
        `/search/advanced?q=${encodeURIComponent('socket "Windows 2000" -linux product:"Windows Server 2019" (a b) OR c')}`,
        200,
      ],
      ['advanced-error', '/search?adv=1&from=2023-02-30', 400],
      ['article', '/kb/307175', 200],
      ['article-path', '/a/support/windows-server/networking/rpc-errors.md', 200],
      ['article-feedback', '/kb/666001', 200],
      ['article-retired', '/kb/999001', 200],
      ['diff', `/kb/307175/diff?from=${site.revisions.first}&to=${site.revisions.second}`, 200],
      ['revision', `/kb/307175/revisions/${site.revisions.classic}`, 200],
      ['tech-index', '/tech', 200],
      ['tech', '/tech/windows-server-2019', 200],
      ['not-found', '/kb/1', 404],
    ];

    it('has no serious or critical accessibility violations on any page type, light or dark', async () => {
      const problems: string[] = [];
      for (const colorScheme of ['light', 'dark'] as const) {
        const context = await chromium.newContext({
          bypassCSP: true,
          colorScheme,
          viewport: { width: 1280, height: 900 },
        });
        const page = await context.newPage();
        for (const [name, path, status] of pages()) {
          const res = await page.goto(`${w.url}${path}`);
          assert.equal(res?.status(), status, path);
          for (const v of await seriousViolations(page)) problems.push(`${colorScheme} ${path}: ${v}`);
          if (colorScheme === 'light' || name === 'article')
            await page.screenshot({
              path: join(ARTIFACTS, `public-${name}${colorScheme === 'dark' ? '-dark' : ''}.png`),
              fullPage: true,
            });
        }
        await context.close();
      }
      assert.deepEqual(problems, []);
    });

    it('fits a phone screen without sideways scrolling', async () => {
      const context = await chromium.newContext({
        viewport: { width: 375, height: 740 },
        deviceScaleFactor: 2,
        isMobile: true,
      });
      const page = await context.newPage();
      for (const [name, path] of pages()) {
        await page.goto(`${w.url}${path}`);
        const overflow = await page.evaluate(
          () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
        );
        assert.ok(overflow <= 0, `${path} is ${overflow}px too wide`);
        if (['home', 'search', 'article'].includes(name))
          await page.screenshot({ path: join(ARTIFACTS, `public-${name}-mobile.png`), fullPage: true });
      }
      await context.close();
    });

    it('lets a visitor search, open an article and leave feedback without JavaScript', async () => {
      const context = await chromium.newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(`${w.url}/`);
      await page.getByLabel('Search articles or KB numbers').fill('listening socket');
      await page.getByRole('button', { name: 'Search' }).first().click();
      assert.match(page.url(), /\/search\?q=listening\+socket/);
      await page
        .getByRole('link', { name: /Differences Between Listening Socket Reuse/ })
        .first()
        .click();
      assert.match(page.url(), /\/kb\/307175$/);
      await page.getByLabel('Name (optional)').fill('Visitor');
      await page.getByLabel('Comments').fill('Setting SO_EXCLUSIVEADDRUSE solved it.');
      await page.getByRole('button', { name: 'Send feedback' }).click();
      assert.match(page.url(), /\/kb\/307175\?feedback=pending#feedback$/);
      assert.match(await page.locator('#feedback [role=status]').innerText(), /once a moderator has read it/);
      await page.screenshot({ path: join(ARTIFACTS, 'public-feedback-sent.png'), fullPage: true });
      const stored = await w.ctx.store.db
        .selectFrom('feedback')
        .selectAll()
        .where('body', '=', 'Setting SO_EXCLUSIVEADDRUSE solved it.')
        .execute();
      assert.equal(stored.length, 1);
      assert.equal(stored[0].status, 'pending');
      await page.goto(`${w.url}/kb/307175`);
      await page
        .getByRole('combobox', { name: 'Compare revision' })
        .selectOption(String(site.revisions.first));
      await page.getByRole('button', { name: 'Show changes' }).click();
      assert.match(await page.locator('.diff ins').first().innerText(), /SO_EXCLUSIVEADDRUSE/);
      await context.close();
    });
  },
);
