/**
 * The digest tick in bounded memory, on both databases: the same users and changes composed
 * with small batches of users and small pages of the window give the very digests composed in
 * one batch and one page, while no single read returns more than a batch of users (with their
 * subscriptions) or a page of changes (with their articles, bodies and technologies). The reads
 * are counted by the database handle itself (test/row-counter.ts), not by the composer.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { runDigestTick } from '../src/jobs/digest.ts';
import type { ComposeOptions } from '../src/digest/compose.ts';
import type { Store } from '../src/store/db.ts';
import type { Database } from '../src/store/schema.ts';
import { testContext } from './context.ts';
import { insertChange, insertDigestUser, insertScan, subscribe } from './digest-factories.ts';
import { insertArticle, insertSource, insertTechnology } from './factories.ts';
import { RowCounter } from './row-counter.ts';
import { seededRandom } from './smtp-fault-sink.ts';
import { createStore, DIALECTS, skipReason } from './stores.ts';

const ROUNDS = 6;
const USERS_PER_ROUND = 22;
const ARTICLES_PER_ROUND = 50;
const UPDATES_PER_ROUND = 25;
/** Updates of one article at most, so a page of articles holds at most this many changes per article, plus one. */
const MAX_UPDATES = 3;
const QUERIES = [
  'firewall',
  'title:cluster',
  'backup OR restore',
  '"mailbox quota"',
  'tech:sql-server -backup',
  'kb:900010',
  '(unbalanced',
];
const WORDS = [
  'cluster',
  'backup',
  'restore',
  'firewall',
  'mailbox',
  'quota',
  'setup',
  'login',
  'agent',
  'update',
];

/**
 * Users joining in rounds (so their watermarks differ), articles of three technologies, updates
 * (some minor) spread over the rounds, a few retired articles and non-alertable changes: the
 * same data for the same seed.
 */
async function buildData(db: Kysely<Database>, seed: number): Promise<void> {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const sourceId = await insertSource(db, 'support');
  const scanId = await insertScan(db, sourceId);
  const techs = [
    await insertTechnology(db, { slug: 'windows-server', name: 'Windows Server' }),
    await insertTechnology(db, { slug: 'sql-server', name: 'SQL Server' }),
    await insertTechnology(db, { slug: 'exchange-online', name: 'Exchange Online' }),
  ];
  const articles: { id: number; updates: number }[] = [];
  let kb = 900_000;
  for (let round = 0; round < ROUNDS; round++) {
    for (let i = 0; i < USERS_PER_ROUND; i++) {
      const user = await insertDigestUser(db, {
        email: `u${round}-${i}@example.org`,
        includeMinor: random() < 0.7,
      });
      await subscribe(db, user, { technologyId: pick(techs) });
      if (random() < 0.4)
        await subscribe(db, user, { technologyId: pick(techs) }, { paused: random() < 0.3 });
      if (random() < 0.6) await subscribe(db, user, { query: pick(QUERIES) });
    }
    for (let i = 0; i < ARTICLES_PER_ROUND; i++) {
      const title = `${pick(WORDS)} ${pick(WORDS)} ${i % 7}`;
      const body = Array.from({ length: 12 }, () => pick(WORDS)).join(' ');
      const technologies = techs.filter(() => random() < 0.45);
      const id = await insertArticle(db, { sourceId, title, kb: ++kb, body, technologies });
      await insertChange(db, { scanId, sourceId, articleId: id, kind: 'new' });
      articles.push({ id, updates: 0 });
    }
    for (let i = 0; i < UPDATES_PER_ROUND; i++) {
      const a = pick(articles);
      if (a.updates >= MAX_UPDATES) continue;
      a.updates++;
      const kind = random() < 0.1 ? 'moved' : 'updated';
      await insertChange(db, { scanId, sourceId, articleId: a.id, kind, minor: random() < 0.3 });
    }
  }
  for (let i = 0; i < 5; i++)
    await db.updateTable('articles').set({ retired: 1 }).where('id', '=', pick(articles).id).execute();
}

/** Tokens are encrypted with a random IV: the same token differs from one mail to the next. */
const withoutTokens = (text: string) =>
  text.replace(/token=[\w-]+/g, 'token=…').replace(/unsubscribe%20[\w-]+/g, 'unsubscribe%20…');

interface Outcome {
  digests: Record<string, unknown>[];
  watermarks: Record<string, number>;
  empty: number;
  invalidQueries: string[];
}

/** One tick on a fresh store holding the data, composing only, with the reads counted. */
async function composeOn(dialect: (typeof DIALECTS)[number], compose: ComposeOptions, counter: RowCounter) {
  const store: Store = await createStore(dialect);
  try {
    await buildData(store.db, 8);
    const ctx = testContext(store, { env: { KBWATCH_BASE_URL: 'https://kbwatch.example' } });
    const counted = { ...ctx, store: { ...store, db: store.db.withPlugin(counter) } };
    const at = new Date('2026-10-20T08:00:00Z');
    counter.reset();
    const r = await runDigestTick(counted, { at, composeOnly: true, compose });
    const rows = await store.db
      .selectFrom('digests as d')
      .innerJoin('digest_bodies as b', 'b.digest_id', 'd.id')
      .innerJoin('users as u', 'u.id', 'd.user_id')
      .select(['u.email', 'd.period', 'd.subject', 'd.items', 'd.item_count', 'd.from_change_id'])
      .select(['d.to_change_id', 'd.message_id', 'd.headers', 'b.text_body', 'b.html_body'])
      .orderBy('u.email')
      .execute();
    const users = await store.db.selectFrom('users').select(['email', 'watermark']).execute();
    return {
      digests: rows.map((r) =>
        Object.fromEntries(
          Object.entries(r).map(([k, v]) => [k, typeof v === 'string' ? withoutTokens(v) : v]),
        ),
      ),
      watermarks: Object.fromEntries(users.map((u) => [u.email, u.watermark])),
      empty: r.compose!.empty,
      invalidQueries: [...r.compose!.invalidQueries].sort(),
    } satisfies Outcome;
  } finally {
    await store.close();
  }
}

const WHOLE: ComposeOptions = { batchSize: 100_000, windowPageSize: 100_000 };
const PAGED: ComposeOptions = { batchSize: 17, windowPageSize: 23 };

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`digest tick in bounded memory on ${dialect}`, { skip: reason }, () => {
    it('reads users, subscriptions and the window in pages, and composes the very same digests', async (t) => {
      const whole = new RowCounter();
      const paged = new RowCounter();
      const expected = await composeOn(dialect, { ...WHOLE, maxItems: 1000 }, whole);
      const got = await composeOn(dialect, { ...PAGED, maxItems: 1000 }, paged);

      const users = ROUNDS * USERS_PER_ROUND;
      assert.ok(expected.digests.length > 60, `most users have a digest (${expected.digests.length})`);
      assert.ok(expected.invalidQueries.includes('(unbalanced'));
      assert.deepEqual(got, expected, 'paging changes no digest, watermark or count');

      const figures = (c: RowCounter) =>
        ['users', 'subscriptions', 'changes', 'articles', 'article_fts', 'article_technologies']
          .map(
            (table) =>
              `${table} ${c.of(table).rows} rows in ${c.of(table).reads} reads (max ${c.of(table).maxRows})`,
          )
          .join('; ');
      t.diagnostic(`one batch, one page: ${figures(whole)}`);
      t.diagnostic(`batches of ${PAGED.batchSize}, pages of ${PAGED.windowPageSize}: ${figures(paged)}`);

      // The whole-window run reads every user and every change at once; the paged run never does.
      assert.equal(whole.of('users').maxRows, users);
      assert.ok(whole.of('changes').maxRows >= ROUNDS * ARTICLES_PER_ROUND);
      assert.ok(paged.of('users').maxRows <= PAGED.batchSize!, 'a page of users per read');
      assert.ok(paged.of('users').reads >= Math.ceil(users / PAGED.batchSize!));
      assert.ok(
        paged.of('subscriptions').maxRows <= 3 * PAGED.batchSize!,
        'only the subscriptions of a page of users',
      );
      assert.ok(
        paged.of('changes').maxRows <= (MAX_UPDATES + 1) * PAGED.windowPageSize!,
        'a page of changes per read',
      );
      assert.ok(paged.of('articles').maxRows <= PAGED.windowPageSize!, 'a page of articles per read');
      assert.ok(
        paged.of('article_fts').maxRows <= PAGED.windowPageSize!,
        'bodies of a page of articles per read',
      );
      assert.ok(paged.of('article_technologies').maxRows <= 3 * PAGED.windowPageSize!);
    });

    it('caps each list at the first items in digest order, the same however the window is paged', async () => {
      const expected = await composeOn(dialect, { ...WHOLE, maxItems: 4 }, new RowCounter());
      const got = await composeOn(dialect, { ...PAGED, maxItems: 4 }, new RowCounter());
      assert.deepEqual(got, expected);
      const capped = got.digests.filter((d) => Number(d.item_count) > 4);
      assert.ok(capped.length > 10, `several lists are capped (${capped.length})`);
      for (const d of capped) {
        assert.equal((JSON.parse(String(d.items)) as unknown[]).length, 4, 'four items kept on the row');
        assert.match(
          String(d.text_body),
          new RegExp(`…and ${Number(d.item_count) - 4} more on https://kbwatch`),
        );
      }
    });
  });
}
