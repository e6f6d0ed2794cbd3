/**
 * One SQLite file, two processes: `kbwatch serve --no-jobs` answers a steady stream of reads and
 * writes (API searches that count against rate limits, logins, account settings, subscriptions,
 * sign-ups, feedback) while `kbwatch worker` scans a classic source that keeps changing and runs
 * digest ticks, every few seconds. No request answers 5xx, no SQLITE_BUSY reaches either
 * process, every scan ends ok and every reader gets exactly one digest.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hashPassword } from '../src/accounts/password.ts';
import { addSource } from '../src/scan/sources.ts';
import { connect, openStore } from '../src/store/db.ts';
import { classicFixture, writeClassic } from './backend-kill.ts';
import { Browser, csrfOf } from './browser.ts';
import { testContext } from './context.ts';
import { insertDigestUser, subscribe } from './digest-factories.ts';
import { startKbwatch, waitFor } from './process.ts';
import { startFaultSink } from './smtp-fault-sink.ts';

const ARTICLES = 3000;
const FIRST_Q = 300_000;
const READERS = 150;
const ACCOUNTS = 6;
const CLIENTS = 6;
const LOAD_MS = 20_000;
const PASSWORD = 'a load test password';
const BASE_URL = 'http://kbwatch.test';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The database as the processes start from it: a classic source, readers, accounts. */
async function seed(url: string, dataDir: string, classicDir: string): Promise<void> {
  const store = await connect(url, { migrate: true });
  try {
    const ctx = testContext(store, { dataDir });
    await addSource(ctx, { kind: 'classic', location: classicDir, name: 'classic' });
    for (let i = 0; i < READERS; i++) {
      const id = await insertDigestUser(store.db, { email: `reader${i}@example.org`, digestHour: 0 });
      await subscribe(store.db, id, { query: 'widget' });
    }
    const hash = await hashPassword(PASSWORD);
    for (let i = 0; i < ACCOUNTS; i++) {
      const id = await insertDigestUser(store.db, { email: `account${i}@example.org`, digestHour: 0 });
      await store.db.updateTable('users').set({ password_hash: hash }).where('id', '=', id).execute();
    }
  } finally {
    await store.close();
  }
}

interface Tally {
  byAction: Map<string, Map<number, number>>;
  serverErrors: string[];
  /** The slowest answer, in ms. */
  slowest: number;
}

function record(tally: Tally, action: string, status: number, body: string): void {
  const counts = tally.byAction.get(action) ?? new Map<number, number>();
  counts.set(status, (counts.get(status) ?? 0) + 1);
  tally.byAction.set(action, counts);
  if (status >= 500) tally.serverErrors.push(`${action}: ${status} ${body.slice(0, 300)}`);
}

/** One client's loop: reads, account writes, now and then a sign-up or a feedback post. */
async function client(n: number, base: string, until: number, tally: Tally): Promise<void> {
  const b = new Browser(base);
  const login = await b.submit('/login', '/login', {
    email: `account${n % ACCOUNTS}@example.org`,
    password: PASSWORD,
  });
  record(tally, 'login', login.status, login.text);
  for (let i = 0; Date.now() < until; i++) {
    const step = async (action: string, run: () => Promise<{ status: number; text: string }>) => {
      const start = Date.now();
      const page = await run();
      tally.slowest = Math.max(tally.slowest, Date.now() - start);
      record(tally, action, page.status, page.text);
      return page;
    };
    switch (i % 8) {
      case 0:
        await step('api search', () => b.get(`/api/v1/search?q=widget+${i}`));
        break;
      case 1:
        await step('api changes', () => b.get('/api/v1/changes?since=2020-01-01&limit=50'));
        break;
      case 2:
        await step('search page', () => b.get('/search?q=widget+service'));
        break;
      case 3:
        await step('settings', () =>
          b.submit('/account', '/account/settings', {
            digestHour: String(i % 24),
            timeZone: 'UTC',
            cadence: 'daily',
            includeMinor: '1',
          }),
        );
        break;
      case 4: {
        await step('subscribe', () =>
          b.submit('/account', '/account/subscriptions', { query: `widget service ${n}-${i}` }),
        );
        const account = await step('account page', () => b.get('/account'));
        const id = /action="\/account\/subscriptions\/(\d+)\/delete"/.exec(account.text)?.[1];
        const action = `/account/subscriptions/${id}/delete`;
        if (id) await step('unsubscribe', () => b.post(action, { _csrf: csrfOf(account.text, action) }));
        break;
      }
      case 5:
        await step('home', () => b.get('/'));
        break;
      case 6: {
        const kb = FIRST_Q + ((i * 37 + n) % ARTICLES);
        const article = await step('article page', () => b.get(`/kb/${kb}`));
        const articleId = /name="article" value="(\d+)"/.exec(article.text)?.[1];
        if (articleId && i % 24 === 6)
          await step('feedback', () =>
            b.post('/feedback', {
              _csrf: csrfOf(article.text, '/feedback'),
              article: articleId,
              body: `Feedback ${n}-${i} written under load.`,
            }),
          );
        break;
      }
      default:
        if (i % 40 === 7) {
          const visitor = new Browser(base);
          await step('signup', () =>
            visitor.submit('/signup', '/signup', {
              email: `newcomer${n}-${i}@example.org`,
              password: 'a newcomer password',
            }),
          );
        } else await step('tech index', () => b.get('/tech'));
    }
  }
}

/** Keeps the classic source changing: new articles and edits every two seconds. */
async function changeSource(dir: string, until: number): Promise<number> {
  let next = FIRST_Q + ARTICLES;
  let round = 0;
  while (Date.now() < until) {
    await sleep(2000);
    round++;
    for (let i = 0; i < 100; i++) writeClassic(dir, next++);
    for (let i = 0; i < 50; i++)
      writeClassic(dir, FIRST_Q + ((round * 50 + i) % ARTICLES), {
        body: `Widget service stops in round ${round} when the queue is full. `.repeat(20),
      });
  }
  return next - FIRST_Q;
}

test(
  'one `serve --no-jobs` and one `worker` on one SQLite file, under load',
  { timeout: 300_000 },
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kbwatch-two-'));
    const url = `sqlite:${join(dataDir, 'kbwatch.db')}`;
    const classicDir = classicFixture(ARTICLES, FIRST_Q);
    const sink = await startFaultSink();
    await seed(url, dataDir, classicDir);
    const port = await freePort();
    const env = {
      KBWATCH_DATABASE_URL: url,
      KBWATCH_DATA_DIR: dataDir,
      KBWATCH_SECRET: 'two-processes-secret',
      KBWATCH_SOURCES: 'none',
      KBWATCH_SCAN_ON_START: 'false',
      KBWATCH_SMTP_URL: sink.url,
      KBWATCH_BASE_URL: BASE_URL,
      KBWATCH_SCAN_SCHEDULE: '*/4 * * * * *',
      KBWATCH_DIGEST_TICK: '*/3 * * * * *',
      KBWATCH_LOG_LEVEL: 'info',
    };
    const worker = startKbwatch(['worker'], env);
    const web = startKbwatch(['serve', '--no-jobs', '--port', String(port)], env);
    const store = openStore(url);
    try {
      await waitFor(() => web.output().stdout.includes('listening'), 60_000, 'the web process to listen');
      const base = `http://127.0.0.1:${port}`;
      const tally: Tally = { byAction: new Map(), serverErrors: [], slowest: 0 };
      const started = Date.now();
      const until = started + LOAD_MS;
      const [articles] = await Promise.all([
        changeSource(classicDir, until),
        ...[...Array(CLIENTS).keys()].map((n) => client(n, base, until, tally)),
      ]);

      // The worker catches up: a scan that started after the last change ends, nothing runs.
      const loadEnded = new Date().toISOString();
      await waitFor(
        async () => {
          const scans = await store.db.selectFrom('scans').select(['status', 'started_at']).execute();
          return (
            scans.some((s) => s.started_at > loadEnded && s.status !== 'running') &&
            scans.every((s) => s.status !== 'running')
          );
        },
        120_000,
        'the worker to finish its scans',
      );
      await waitFor(
        async () => {
          const left = await store.db
            .selectFrom('digests')
            .select('id')
            .where('status', '!=', 'sent')
            .execute();
          return left.length === 0;
        },
        60_000,
        'every digest to be sent',
      );

      const requests = [...tally.byAction.values()].reduce(
        (n, m) => n + [...m.values()].reduce((a, c) => a + c, 0),
        0,
      );
      const summary = [...tally.byAction]
        .map(([action, m]) => `${action} ${[...m].map(([s, c]) => `${c}×${s}`).join('/')}`)
        .join(', ');
      assert.deepEqual(tally.serverErrors, [], 'no request answered 5xx');
      const busy = /SQLITE_BUSY|database is locked/i;
      assert.doesNotMatch(worker.output().stderr, busy, 'no SQLITE_BUSY in the worker');
      assert.doesNotMatch(web.output().stderr, busy, 'no SQLITE_BUSY in the web process');

      const scans = await store.db.selectFrom('scans').select(['status', 'message', 'finished_at']).execute();
      const during = scans.filter((s) => (s.finished_at ?? '') < loadEnded).length;
      assert.ok(
        during >= 1 && scans.length >= 2,
        `the worker scanned during the load and after it (${scans.length})`,
      );
      assert.deepEqual(
        scans.filter((s) => s.status !== 'ok'),
        [],
        'every scan ended ok',
      );
      const live = await store.db
        .selectFrom('articles')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      assert.equal(Number(live.n), articles, 'every article written by the scans');
      const counts = sink.countByRecipient();
      const readers = [...Array(READERS).keys()].map((i) => counts.get(`reader${i}@example.org`) ?? 0);
      assert.ok(
        readers.every((c) => c === 1),
        `every reader got exactly one digest (${readers.filter((c) => c !== 1).length} did not)`,
      );
      for (const [action, least] of [
        ['settings', 10],
        ['subscribe', 10],
        ['api search', 10],
      ] as const)
        assert.ok(
          (tally.byAction.get(action)?.get(action === 'api search' ? 200 : 303) ?? 0) >= least,
          `${action} succeeded under load: ${summary}`,
        );
      console.log(
        `two SQLite processes: ${requests} requests in ${LOAD_MS / 1000} s, the slowest ${tally.slowest} ms (${summary}); ${scans.length} scans ok (${during} during the load), ${articles} articles; ${READERS} digests delivered once; 0 SQLITE_BUSY`,
      );
    } finally {
      await store.close();
      for (const child of [web, worker]) {
        if (child.exitCode === null) {
          child.kill('SIGTERM');
          await Promise.race([new Promise((r) => child.once('exit', r)), sleep(15_000)]);
          if (child.exitCode === null) child.kill('SIGKILL');
        }
      }
      await sink.close();
    }
  },
);
