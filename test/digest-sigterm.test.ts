/**
 * SIGTERM during a digest tick, on both databases: a `kbwatch worker` is sending 2,000 due
 * digests to a slow SMTP server when it is asked to stop. It claims nothing more, lets the
 * messages in flight finish, marks them, releases the rest and exits 0 within
 * KBWATCH_SHUTDOWN_SECONDS. A new worker then sends the rest: every digest is delivered exactly
 * once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { chunks } from '../src/store/codec.ts';
import type { Database } from '../src/store/schema.ts';
import { insertArticle, insertSource, insertTechnology } from './factories.ts';
import { insertChange, insertScan } from './digest-factories.ts';
import { startKbwatch, waitFor } from './process.ts';
import { startFaultSink } from './smtp-fault-sink.ts';
import { createStore, DIALECTS, skipReason } from './stores.ts';

const USERS = 2000;
const SHUTDOWN_SECONDS = 20;

/** USERS confirmed daily users following one technology, and three new articles about it. */
async function seed(db: Kysely<Database>): Promise<void> {
  const sourceId = await insertSource(db, 'support');
  const scanId = await insertScan(db, sourceId);
  const tech = await insertTechnology(db, { slug: 'windows-server', name: 'Windows Server' });
  const createdAt = '2026-10-01T00:00:00.000Z';
  const emails = [...Array(USERS).keys()].map((i) => `user${i}@example.org`);
  for (const part of chunks(emails, 200)) {
    const users = await db
      .insertInto('users')
      .values(
        part.map((email) => ({
          email,
          password_hash: null,
          confirmed_at: createdAt,
          is_admin: 0,
          time_zone: 'UTC',
          digest_hour: 7,
          cadence: 'daily' as const,
          include_minor: 1,
          watermark: 0,
          suppressed_at: null,
          hard_bounces: 0,
          created_at: createdAt,
        })),
      )
      .returning('id')
      .execute();
    await db
      .insertInto('subscriptions')
      .values(
        users.map((u) => ({
          user_id: u.id,
          kind: 'technology' as const,
          technology_id: tech,
          query: null,
          paused: 0,
          muted: 0,
          created_at: createdAt,
        })),
      )
      .execute();
  }
  for (const title of ['Kerberos errors', 'Cluster validation fails', 'DNS scavenging']) {
    const articleId = await insertArticle(db, { sourceId, title, kb: null, technologies: [tech] });
    await insertChange(db, { scanId, sourceId, articleId });
  }
}

async function statuses(db: Kysely<Database>): Promise<Map<string, string>> {
  const rows = await db.selectFrom('digests').select(['to_address', 'status']).execute();
  return new Map(rows.map((r) => [r.to_address.toLowerCase(), r.status]));
}

async function notSent(db: Kysely<Database>): Promise<number> {
  const r = await db
    .selectFrom('digests')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('status', '!=', 'sent')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

function exitOf(child: ReturnType<typeof startKbwatch>): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`SIGTERM during a digest tick on ${dialect}`, { skip: reason }, () => {
    it(`${USERS} due digests: drained, released, then sent exactly once after a restart`, async () => {
      const store = await createStore(dialect);
      const sink = await startFaultSink({ delayMs: 8 });
      try {
        const db = store.db;
        await seed(db);
        const env = {
          KBWATCH_DATABASE_URL: store.url,
          KBWATCH_SMTP_URL: sink.url,
          KBWATCH_SECRET: 'sigterm-test-secret',
          KBWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'kbwatch-sigterm-')),
          KBWATCH_BASE_URL: 'https://kbwatch.example',
          KBWATCH_SOURCES: 'none',
          KBWATCH_NOW: '2026-10-20T08:00:00Z',
          KBWATCH_DIGEST_TICK: '*/2 * * * * *',
          KBWATCH_SCAN_SCHEDULE: '0 0 1 1 *',
          KBWATCH_SHUTDOWN_SECONDS: String(SHUTDOWN_SECONDS),
        };

        const first = startKbwatch(['worker'], env);
        const firstExit = exitOf(first);
        await waitFor(
          () => sink.stats.accepted >= 200 || first.exitCode !== null,
          60_000,
          'the worker to send some digests',
        );
        assert.equal(first.exitCode, null, first.output().stderr);
        const acceptedAtSignal = sink.stats.accepted;
        const signalled = Date.now();
        first.kill('SIGTERM');
        const code = await firstExit;
        const stopMs = Date.now() - signalled;
        const out = first.output();
        assert.equal(code, 0, out.stderr);
        assert.ok(stopMs < SHUTDOWN_SECONDS * 1000, `stopped in ${stopMs} ms`);
        assert.match(out.stderr, /worker: stopped/);

        const afterStop = await statuses(db);
        const byStatus = (s: string) => [...afterStop.values()].filter((v) => v === s).length;
        assert.equal(afterStop.size, USERS, 'every due digest was queued');
        assert.equal(byStatus('sending'), 0, 'no claim left behind: unsent rows were released');
        const unmarked = [...sink.countByRecipient().keys()].filter((to) => afterStop.get(to) !== 'sent');
        assert.deepEqual(unmarked, [], 'every message the server accepted is marked sent');
        const sentBefore = byStatus('sent');
        assert.ok(sentBefore < USERS, `stopped before the end (${sentBefore} sent)`);
        assert.equal(byStatus('queued'), USERS - sentBefore);

        const restarted = Date.now();
        const second = startKbwatch(['worker'], env);
        const secondExit = exitOf(second);
        let recoverMs: number;
        try {
          await waitFor(
            async () => (await notSent(db)) === 0,
            120_000,
            'the restarted worker to send the rest',
          );
          recoverMs = Date.now() - restarted;
        } finally {
          second.kill('SIGTERM');
        }
        assert.equal(await secondExit, 0, second.output().stderr);

        const counts = sink.countByRecipient();
        const wrong = [...Array(USERS).keys()]
          .map((i) => `user${i}@example.org`)
          .filter((to) => counts.get(to) !== 1);
        assert.deepEqual(wrong, [], 'every digest delivered exactly once');
        assert.equal(sink.stats.accepted, USERS);
        console.log(
          `digest SIGTERM test (${dialect}): SIGTERM after ${acceptedAtSignal} of ${USERS} accepted; stopped in ${stopMs} ms with ${sentBefore} sent and ${USERS - sentBefore} released; restart to all sent: ${recoverMs} ms; ${sink.stats.accepted} messages, 0 duplicates`,
        );
      } finally {
        await sink.close();
        await store.close();
      }
    });
  });
}
