/** axe-core finds no serious or critical problem on the admin pages, the webmasters page and the widget frame. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser as Chromium } from 'playwright-core';
import { skipReason } from '../../../test/stores.ts';
import { startAdminWeb, type AdminWebTest } from '../../../test/admin-web.ts';
import { insertDigest } from '../../../test/api-factories.ts';
import { seedKb, type SeededKb } from '../../../test/web-fixtures.ts';
import { chromiumMissing, launchChromium } from '../../../test/chromium.ts';
import { seriousViolations } from '../../../test/axe.ts';
import { insertFeedback } from '../../store/feedback.ts';

describe(
  'web: accessibility of admin, webmasters and widget pages',
  { skip: chromiumMissing() || (await skipReason('sqlite')) },
  () => {
    let t: AdminWebTest;
    let kb: SeededKb;
    let chromium: Chromium;
    before(async () => {
      t = await startAdminWeb('sqlite');
      kb = await seedKb(t.ctx.store.db);
      await insertDigest(t.ctx.store.db, t.memberId, '2024-01-14', 'failed', '550 unknown');
      await insertFeedback(t.ctx.store.db, {
        article_id: kb.articles.winsock,
        user_id: null,
        name: 'Ann',
        contact: 'https://ann.example',
        body: 'Thanks',
        status: 'pending',
        created_at: '2024-01-30T10:00:00.000Z',
        ip_hash: 'x',
      });
      chromium = await launchChromium();
    });
    after(async () => {
      await chromium?.close();
      await t?.close();
    });

    it('has no serious or critical violations on any of these pages', async () => {
      const host = new URL(t.url);
      const context = await chromium.newContext({ bypassCSP: true });
      const session = t.admin.cookies.get('kbw_session')!;
      await context.addCookies([{ name: 'kbw_session', value: session, domain: host.hostname, path: '/' }]);
      const page = await context.newPage();
      const problems: string[] = [];
      for (const path of [
        '/admin',
        '/admin/sources',
        '/admin/scans',
        '/admin/outbox',
        '/admin/feedback',
        '/admin/users',
        '/webmasters',
        '/webmasters?tech=kbwinsock&count=3&theme=dark',
        '/widget/frame?tech=windows-server-2019',
        '/widget/frame?theme=dark&q=winsock',
      ]) {
        const res = await page.goto(`${t.url}${path}`);
        assert.equal(res?.status(), 200, path);
        for (const v of await seriousViolations(page)) problems.push(`${path}: ${v}`);
      }
      await context.close();
      assert.deepEqual(problems, []);
    });
  },
);
