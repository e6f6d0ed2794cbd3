/**
 * End to end on a real day of the support KB, on both databases: sign up through the pages,
 * confirm from the received mail, follow a technology and a query, scan the day before and the
 * day itself with the CLI, run the digest with the CLI. Exactly one mail holds exactly the
 * articles expected, computed here from git alone (what changed, folder, front matter); both
 * parts parse; its links work on the running server; one-click unsubscribe stops the next one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import type { ParsedMail } from 'mailparser';
import { csrfOf, pathOf, Browser } from './browser.ts';
import { days, git, gitDiff, repoCopy, sharedSkipReason } from './shared-kb.ts';
import { startFaultSink } from './smtp-fault-sink.ts';
import { createStore, DIALECTS, skipReason } from './stores.ts';
import { testContext } from './context.ts';
import { startTestServer } from './web-server.ts';

const DAY = '2022-11-15';
const TECH = 'sql';
const QUERY = 'title:voucher';

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Front matter and body of a file at a commit. */
function fileAt(repo: string, commit: string, path: string): { meta: Record<string, unknown>; body: string } {
  const text = git(repo, ['show', `${commit}:${path}`]);
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  return m
    ? { meta: (parseYaml(m[1]) ?? {}) as Record<string, unknown>, body: m[2] }
    : { meta: {}, body: text };
}

/** The words a reader sees, roughly: link targets and markup dropped. */
const words = (body: string) =>
  body
    .replace(/\]\([^)]*\)/g, ']')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu)
    ?.join(' ') ?? '';

const isArticle = (p: string) =>
  p.startsWith('support/') &&
  p.endsWith('.md') &&
  !p.includes('/includes/') &&
  !/\/(index|toc)\.md$/i.test(p);

/**
 * Site links of the articles the digest must hold, from git alone: added files and files whose
 * visible words changed, that sit in the `sql` folder (or say `ms.prod: sql`) or have "voucher"
 * in their title.
 */
function expectedLinks(repo: string, from: string, to: string): string[] {
  const out: string[] = [];
  for (const c of gitDiff(repo, from, to)) {
    if (c.status === 'D' || !isArticle(c.path)) continue;
    const now = fileAt(repo, to, c.path);
    if (c.status !== 'A' && words(fileAt(repo, from, c.oldPath ?? c.path).body) === words(now.body)) continue;
    const folders = c.path.split('/').slice(1, -1).slice(0, 2);
    const prod = ['ms.prod', 'ms.service', 'ms.technology'].map((k) =>
      String(now.meta[k] ?? '').toLowerCase(),
    );
    const byTech = folders.includes(TECH) || prod.includes(TECH);
    const byQuery = /\bvouchers?\b/i.test(String(now.meta.title ?? ''));
    if (!byTech && !byQuery) continue;
    const kb = /_Original KB number:_\s*(?:&nbsp;)?\s*(\d+)/.exec(now.body)?.[1];
    out.push(kb ? `/kb/${kb}` : `/a/${c.path.split('/').map(encodeURIComponent).join('/')}`);
  }
  return out.sort();
}

const shared = sharedSkipReason();

for (const dialect of DIALECTS) {
  const reason = shared || (await skipReason(dialect));
  describe(`digest end to end on ${dialect}`, { skip: reason }, () => {
    it(
      `one digest with exactly the expected articles of ${DAY}, working links, one-click unsubscribe`,
      { timeout: 15 * 60_000 },
      async () => {
        const repo = repoCopy('support-articles.git');
        const timeline = days(repo);
        const d = timeline.findIndex((x) => x.date === DAY);
        const store = await createStore(dialect);
        const sink = await startFaultSink();
        const port = await freePort();
        const env = {
          KBWATCH_DATABASE_URL: store.url,
          KBWATCH_SMTP_URL: sink.url,
          KBWATCH_BASE_URL: `http://127.0.0.1:${port}`,
          KBWATCH_SECRET: 'e2e-secret',
          KBWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'kbwatch-e2e-')),
          KBWATCH_SOURCES: 'none',
          KBWATCH_LOG_LEVEL: 'error',
        };
        // Asynchronous: the SMTP sink and the web server live in this process and must keep answering.
        const cli = async (...args: string[]) =>
          (
            await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/main.ts', ...args], {
              env: { ...process.env, ...env },
              maxBuffer: 64 * 2 ** 20,
            })
          ).stdout;
        const { app } = await startTestServer(testContext(store, { env }), { port });
        const b = new Browser(env.KBWATCH_BASE_URL);
        const digestsTo = async (email: string): Promise<ParsedMail[]> =>
          (await sink.to(email)).filter((m) => m.messageId?.startsWith('<digest-'));
        try {
          await cli(
            'source',
            'add',
            'git',
            `file://${repo}`,
            '--name',
            'support',
            '--path',
            'support/',
            '--url-template',
            'learn-support',
          );
          await cli('scan', '--ref', timeline[d - 1].commit);

          const form = await b.get('/signup');
          const signed = await b.post('/signup', {
            _csrf: csrfOf(form.text, '/signup'),
            email: 'reader@example.org',
            password: 'a good password',
          });
          assert.equal(signed.status, 200, signed.text);
          const [confirmMail] = await sink.to('reader@example.org');
          const confirmLink = /http:\/\/127\.0\.0\.1:\d+\/confirm\?token=\S+/.exec(
            confirmMail.text ?? '',
          )![0];
          assert.equal((await b.get(pathOf(confirmLink))).status, 200);
          assert.equal(
            (await b.submit('/login', '/login', { email: 'reader@example.org', password: 'a good password' }))
              .status,
            303,
          );
          assert.equal(
            (await b.submit('/account', '/account/subscriptions', { technology: TECH })).status,
            303,
          );
          assert.equal((await b.submit('/account', '/account/subscriptions', { query: QUERY })).status, 303);

          await cli('scan', '--ref', timeline[d].commit);
          const expected = expectedLinks(repo, timeline[d - 1].commit, timeline[d].commit);
          assert.ok(
            expected.length >= 3,
            `the day has articles for both subscriptions (${expected.join(', ')})`,
          );
          const run = JSON.parse(await cli('digest', 'run', '--at', `${DAY}T23:30:00Z`, '--json')) as {
            user: string;
            items: number;
            status: string;
            messageId: string;
          }[];
          assert.deepEqual(
            run.map((r) => [r.user, r.items, r.status]),
            [['reader@example.org', expected.length, 'sent']],
          );

          const mails = await digestsTo('reader@example.org');
          assert.equal(mails.length, 1, 'exactly one digest mail');
          const [mail] = mails;
          assert.equal(mail.messageId, `<${run[0].messageId}>`);
          assert.ok(mail.text && mail.html, 'text and HTML parts');
          const links = [
            ...new Set(
              [...mail.text.matchAll(/http:\/\/127\.0\.0\.1:\d+(\/(?:kb|a)\/\S+)/g)].map((m) => m[1]),
            ),
          ].sort();
          assert.deepEqual(links, expected);
          for (const l of links)
            assert.ok((mail.html as string).includes(`${env.KBWATCH_BASE_URL}${l}`), `HTML links ${l}`);
          for (const l of links) assert.equal((await b.get(l)).status, 200, `GET ${l}`);
          assert.equal((await b.get('/account')).status, 200);
          const unsubscribe = /<(http:[^>]+)>/.exec(
            mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line,
          )![1];
          assert.equal((await new Browser(env.KBWATCH_BASE_URL).get(pathOf(unsubscribe))).status, 200);
          const click = await fetch(unsubscribe, {
            method: 'POST',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            body: 'List-Unsubscribe=One-Click',
          });
          assert.equal(click.status, 200);

          // The next day with articles for these subscriptions: no digest after unsubscribing.
          let next = d + 1;
          while (
            next < timeline.length - 1 &&
            expectedLinks(repo, timeline[d].commit, timeline[next].commit).length === 0
          )
            next++;
          assert.ok(
            expectedLinks(repo, timeline[d].commit, timeline[next].commit).length > 0,
            'a later day has matching articles',
          );
          await cli('scan', '--ref', timeline[next].commit);
          const after = JSON.parse(
            await cli('digest', 'run', '--at', `${timeline[next].date}T23:30:00Z`, '--json'),
          ) as unknown[];
          assert.deepEqual(after, []);
          assert.equal((await digestsTo('reader@example.org')).length, 1);
        } finally {
          await app.close();
          await sink.close();
          await store.close();
        }
      },
    );
  });
}
