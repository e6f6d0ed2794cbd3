/**
 * A newcomer in Chromium, end to end on the real server with a real SMTP sink: home → search
 * "winsock" → article → feedback (held for moderation) → sign up → confirm from the mail → log in
 * → subscribe on a technology page → the subscription on the account page. Also the advanced
 * search round trip and a revision diff, with axe-core on the account pages. Screenshots go to
 * test-artifacts/journey-<nn>-<step>.png.
 *
 * SQLite only: the store code under these pages is covered on both databases by the page tests,
 * and a second browser run on PostgreSQL would double the time for no new coverage.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser as Chromium, BrowserContext, Page } from 'playwright-core';
import { closeMailer } from '../src/deliver/mailer.ts';
import { seriousViolations } from './axe.ts';
import {
  insertArticle,
  insertArticlePath,
  insertChange,
  insertRevision,
  insertScan,
  insertSource,
  insertTechnology,
} from './api-factories.ts';
import { pathOf } from './browser.ts';
import { ARTIFACTS, chromiumMissing, launchChromium } from './chromium.ts';
import { linkIn } from './smtp-sink.ts';
import { skipReason } from './stores.ts';
import { startTestServer, type MailTestServer } from './web-server.ts';

const WINSOCK_TITLE = 'Winsock applications cannot bind a second listening socket to the same port';
const WINSOCK_PATH = 'support/windows/win32/winsock-bind-port.md';
const EMAIL = 'newcomer@example.org';
const PASSWORD = 'correct horse battery staple';

interface Seeded {
  first: number;
  second: number;
}

/** Three articles: the Winsock one (KB 127144, two revisions) and two that a winsock search must not find. */
async function seed(w: MailTestServer): Promise<Seeded> {
  const db = w.ctx.store.db;
  const source = await insertSource(db, 'support-docs');
  const tech = {
    server: await insertTechnology(db, {
      slug: 'windows-server-2019',
      name: 'Windows Server 2019',
      kind: 'product',
    }),
    winsock: await insertTechnology(db, { slug: 'kbwinsock', name: 'kbWinsock', kind: 'keyword' }),
    exchange: await insertTechnology(db, {
      slug: 'exchange-online',
      name: 'Exchange Online',
      kind: 'product',
    }),
  };
  const winsock = await insertArticle(db, {
    sourceId: source,
    kb: 127144,
    path: WINSOCK_PATH,
    title: WINSOCK_TITLE,
    description: 'Why bind() fails with WSAEADDRINUSE on a listening port.',
    body: 'A winsock server that binds a listening port twice gets WSAEADDRINUSE. Use SO_EXCLUSIVEADDRUSE.',
    products: ['Windows Server 2019'],
    keywords: ['kbWinsock'],
    technologies: [tech.server, tech.winsock],
    lastChanged: '2024-01-20T03:00:00.000Z',
  });
  await insertArticle(db, {
    sourceId: source,
    kb: 100001,
    title: 'Windows Server does not boot after an update',
    body: 'The server stops at a black screen.',
    products: ['Windows Server 2019'],
    technologies: [tech.server],
    lastChanged: '2024-01-18T03:00:00.000Z',
  });
  await insertArticle(db, {
    sourceId: source,
    title: 'Exchange Online mail flow troubleshooting',
    body: 'Connectors and mail flow rules.',
    products: ['Exchange Online'],
    technologies: [tech.exchange],
    lastChanged: '2024-01-19T03:00:00.000Z',
  });
  await insertArticlePath(db, source, winsock, WINSOCK_PATH);
  const rev = (number: string, seenAt: string, text: string) =>
    insertRevision(db, {
      articleId: winsock,
      sourceId: source,
      number,
      seenAt,
      text,
      title: WINSOCK_TITLE,
      path: WINSOCK_PATH,
    });
  const first = await rev(
    '1.0',
    '2024-01-10T03:00:00.000Z',
    'Intro line.\nSet SO_REUSEADDR on the listening socket.\nClosing line.',
  );
  const second = await rev(
    '2.0',
    '2024-01-20T03:00:00.000Z',
    'Intro line.\nSet SO_EXCLUSIVEADDRUSE on the listening socket.\nClosing line.',
  );
  await db
    .updateTable('articles')
    .set({ revision: '2.0', revision_count: 2 })
    .where('id', '=', winsock)
    .execute();
  const scan = await insertScan(db, source, '2024-01-20T03:00:00.000Z');
  await insertChange(db, {
    scanId: scan,
    sourceId: source,
    articleId: winsock,
    kind: 'new',
    title: WINSOCK_TITLE,
    kb: 127144,
    path: WINSOCK_PATH,
    detectedAt: '2024-01-10T03:00:00.000Z',
    revisionId: first,
  });
  await insertChange(db, {
    scanId: scan,
    sourceId: source,
    articleId: winsock,
    kind: 'updated',
    title: WINSOCK_TITLE,
    kb: 127144,
    path: WINSOCK_PATH,
    detectedAt: '2024-01-20T03:00:00.000Z',
    revisionId: second,
  });
  await db.updateTable('technologies').set({ article_count: 2 }).where('id', '=', tech.server).execute();
  await db
    .updateTable('technologies')
    .set({ article_count: 1 })
    .where('id', 'in', [tech.winsock, tech.exchange])
    .execute();
  return { first, second };
}

describe('web: a newcomer in a browser', { skip: chromiumMissing() || (await skipReason('sqlite')) }, () => {
  let w: MailTestServer;
  let seeded: Seeded;
  let chromium: Chromium;
  let context: BrowserContext | undefined;
  before(async () => {
    w = await startTestServer('sqlite', { smtp: true, env: { KBWATCH_SOURCES: 'none' } });
    seeded = await seed(w);
    chromium = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await context?.close();
    await chromium?.close();
    if (w) await closeMailer(w.ctx);
    await w?.close();
  });

  /** A fresh context; bypassCSP lets the axe script in, nothing else depends on it. */
  async function newPage(): Promise<Page> {
    await context?.close();
    context = await chromium.newContext({ bypassCSP: true, viewport: { width: 1280, height: 900 } });
    return context.newPage();
  }
  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `journey-${name}.png`), fullPage: true });
  const path = (page: Page) => {
    const u = new URL(page.url());
    return u.pathname + u.search + u.hash;
  };
  async function noSeriousViolations(page: Page): Promise<void> {
    assert.deepEqual(await seriousViolations(page), [], `axe on ${path(page)}`);
  }

  it('searches, reads, leaves feedback, signs up, confirms, subscribes and sees it in the account', async () => {
    const page = await newPage();
    await page.goto(`${w.url}/`);
    await shot(page, '01-home');

    await page.locator('#home-q').fill('winsock');
    await page.locator('main').getByRole('button', { name: 'Search' }).click();
    assert.equal(path(page), '/search?q=winsock');
    assert.equal(await page.locator('#search-q').inputValue(), 'winsock');
    const results = page.getByRole('link', { name: WINSOCK_TITLE });
    assert.equal(await results.count(), 1);
    assert.equal(await page.getByRole('link', { name: /black screen|Exchange Online mail flow/ }).count(), 0);
    await shot(page, '02-search');

    await results.click();
    assert.equal(path(page), '/kb/127144');
    assert.equal(await page.getByRole('heading', { level: 1 }).innerText(), WINSOCK_TITLE);
    await shot(page, '03-article');

    await page.getByLabel('Name (optional)').fill('New reader');
    await page.getByLabel('Comments').fill('SO_EXCLUSIVEADDRUSE fixed our second listener.');
    await page.getByRole('button', { name: 'Send feedback' }).click();
    assert.equal(path(page), '/kb/127144?feedback=pending#feedback');
    assert.match(await page.locator('#feedback [role=status]').innerText(), /once a moderator has read it/);
    const feedback = await w.ctx.store.db
      .selectFrom('feedback')
      .select('status')
      .where('body', '=', 'SO_EXCLUSIVEADDRUSE fixed our second listener.')
      .execute();
    assert.deepEqual(feedback, [{ status: 'pending' }]);
    await shot(page, '04-feedback-pending');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Sign up' }).click();
    assert.equal(path(page), '/signup');
    await noSeriousViolations(page);
    await page.getByLabel('E-mail address').fill(EMAIL);
    await page.getByLabel(/^Password/).fill(PASSWORD);
    await page.locator('main').getByRole('button', { name: 'Sign up' }).click();
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Check your inbox/);
    await shot(page, '05-signup-sent');

    const mail = await w.sink.waitFor(EMAIL, /confirm/i);
    const link = linkIn(mail.text, 'http://kbwatch.test/confirm?token=');
    await page.goto(`${w.url}${pathOf(link)}`);
    assert.match(await page.getByRole('heading', { level: 1 }).innerText(), /Address confirmed/);
    await shot(page, '06-confirmed');

    await page.locator('main').getByRole('link', { name: 'Log in' }).click();
    assert.equal(path(page), '/login');
    await noSeriousViolations(page);
    await page.getByLabel('E-mail address').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.locator('main').getByRole('button', { name: 'Log in' }).click();
    assert.equal(path(page), '/account');
    await shot(page, '07-logged-in');

    await page.goto(`${w.url}/kb/127144`);
    await page.locator('.kb-meta').getByRole('link', { name: 'Windows Server 2019' }).click();
    assert.equal(path(page), '/tech/windows-server-2019');
    await shot(page, '08-technology');

    await page.getByRole('button', { name: 'Subscribe to Windows Server 2019' }).click();
    assert.equal(path(page), '/account?done=subscribed');
    assert.match(await page.locator('main').innerText(), /Subscribed\./);
    const rows = page.locator('table.subscriptions tbody tr');
    assert.equal(await rows.count(), 1);
    assert.match(await rows.first().innerText(), /Technology: Windows Server 2019\s+active/);
    await noSeriousViolations(page);
    await shot(page, '09-account-subscribed');
  });

  it('builds a query with the advanced form and refills the form from it', async () => {
    const page = await newPage();
    await page.goto(`${w.url}/search/advanced`);
    const fields: [string, string][] = [
      ['All of these words', 'winsock'],
      ['This exact phrase', 'listening port'],
      ['None of these words', 'linux'],
      ['Product', 'Windows Server 2019'],
      ['Keyword', 'kbWinsock'],
      ['Updated from', '2024-01-01'],
      ['Updated to', '2024-01-31'],
    ];
    for (const [label, value] of fields) await page.getByLabel(label, { exact: true }).fill(value);
    await page.getByLabel('Sort results by').selectOption('date');
    await shot(page, '10-advanced-form');
    await page.locator('form.advanced').getByRole('button', { name: 'Search' }).click();

    const query =
      'winsock "listening port" -linux product:"Windows Server 2019" keyword:kbWinsock updated:>=2024-01-01 updated:<=2024-01-31';
    const url = new URL(page.url());
    assert.equal(url.pathname, '/search');
    assert.equal(url.searchParams.get('q'), query);
    assert.equal(url.searchParams.get('sort'), 'date');
    assert.equal(await page.locator('#search-q').inputValue(), query);
    assert.equal(await page.getByRole('link', { name: WINSOCK_TITLE }).count(), 1);
    assert.equal(await page.getByRole('link', { name: /black screen|Exchange Online mail flow/ }).count(), 0);
    await shot(page, '11-advanced-results');

    await page.getByRole('link', { name: 'Refine in advanced search' }).click();
    assert.equal(new URL(page.url()).pathname, '/search/advanced');
    for (const [label, value] of fields)
      assert.equal(await page.getByLabel(label, { exact: true }).inputValue(), value, label);
    for (const label of ['Any of these words', 'KB number', 'Query'])
      assert.equal(await page.getByLabel(label, { exact: true }).inputValue(), '', label);
    assert.equal(await page.getByLabel('Sort results by').inputValue(), 'date');
    await shot(page, '12-advanced-refilled');
  });

  it('shows what changed between two revisions of an article', async () => {
    const page = await newPage();
    await page.goto(`${w.url}/kb/127144`);
    await page.getByRole('combobox', { name: 'Compare revision' }).selectOption(String(seeded.first));
    await page.getByRole('combobox', { name: 'with revision' }).selectOption(String(seeded.second));
    await page.getByRole('button', { name: 'Show changes' }).click();
    assert.equal(path(page), `/kb/127144/diff?from=${seeded.first}&to=${seeded.second}`);
    const ins = await page.locator('.diff ins').allInnerTexts();
    const del = await page.locator('.diff del').allInnerTexts();
    assert.ok(
      ins.some((t) => t.includes('SO_EXCLUSIVEADDRUSE')),
      `inserted: ${JSON.stringify(ins)}`,
    );
    assert.ok(
      del.some((t) => t.includes('SO_REUSEADDR')),
      `deleted: ${JSON.stringify(del)}`,
    );
    assert.ok(
      !ins.concat(del).some((t) => t.includes('Intro line')),
      'unchanged lines are neither inserted nor deleted',
    );
    await shot(page, '13-revision-diff');
  });
});
