/**
 * The PostgreSQL server goes away mid-work (every backend of the database is ended with
 * `pg_terminate_backend`, as a restart would): the work in flight fails cleanly, the process
 * goes on, nothing half-written is visible, no scan lock is left behind, and the next run
 * completes the work exactly once.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { scanAll } from '../src/scan/run.ts';
import { addSource } from '../src/scan/sources.ts';
import { isScanLocked } from '../src/store/locks.ts';
import type { Store } from '../src/store/db.ts';
import type { ScanReport } from '../src/scan/report.ts';
import { classicFixture, scanSnapshot, terminateWhenBusy, terminateWhileBlocked } from './backend-kill.ts';
import { testContext } from './context.ts';
import { digestBench, type DigestBench } from './digest-context.ts';
import { insertDigestUser, subscribe } from './digest-factories.ts';
import { waitFor } from './process.ts';
import { createStore, skipReason } from './stores.ts';

const ARTICLES = 5000;
const USERS = 300;
const NOW = '2026-10-20T03:00:00Z';
const AT = '2026-10-20T08:00:00Z';
const LEASE_MS = 3000;
const KILLS = 4;
/** Kills that land while the "sent" mark of accepted messages is being written. */
const MARK_KILLS = 2;
/** The text of that statement, as pg_stat_activity shows it, and the rows it waits on. */
const SENT_MARK = 'update "digests" set "status" = $1, "sent_at" = %';
const LOCK_SENDING = "SELECT id FROM digests WHERE status = 'sending' FOR UPDATE SKIP LOCKED";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function count(store: Store, table: 'articles' | 'changes' | 'revisions'): Promise<number> {
  const r = await store.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

async function unsent(b: DigestBench): Promise<number> {
  const r = await b.store.db
    .selectFrom('digests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '!=', 'sent')
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The scan of a fresh database over `dir`, undisturbed. */
async function cleanRun(dir: string): Promise<unknown> {
  const store = await createStore('postgres');
  try {
    const ctx = testContext(store, { now: NOW });
    await addSource(ctx, { kind: 'classic', location: dir, name: 'classic' });
    const [r] = await scanAll(ctx, {});
    assert.equal(r.status, 'ok');
    return await scanSnapshot(store);
  } finally {
    await store.close();
  }
}

describe('PostgreSQL backends terminated mid-work', async () => {
  const skip = await skipReason('postgres');

  test(
    'mid-scan: the scan fails cleanly and the next one completes it as a clean run would',
    { skip, timeout: 300_000 },
    async () => {
      const dir = classicFixture(ARTICLES);
      const store = await createStore('postgres');
      try {
        const ctx = testContext(store, { now: NOW });
        const source = await addSource(ctx, { kind: 'classic', location: dir, name: 'classic' });
        let committed = 0;
        const scanning = scanAll(ctx, { onProgress: (_s, done) => (committed = done) }).then(
          ([r]) => r,
          (err: unknown) => err,
        );
        await waitFor(() => committed > 0, 120_000, 'the first batch');
        const killed = await terminateWhenBusy(store.url);
        const outcome = await scanning;

        assert.ok(!(outcome instanceof Error), `the scan reports, it does not throw: ${String(outcome)}`);
        const report = outcome as ScanReport;
        assert.equal(report.status, 'failed');
        assert.match(report.errors.at(-1)?.message ?? '', /unable to apply .*PostgreSQL connection closed/);
        const scan = await store.db
          .selectFrom('scans')
          .select(['status', 'message'])
          .orderBy('id', 'desc')
          .executeTakeFirstOrThrow();
        assert.equal(scan.status, 'failed');
        assert.match(scan.message ?? '', /PostgreSQL connection closed/, 'the error is recorded on the scan');
        const src = await store.db
          .selectFrom('sources')
          .select(['cursor', 'last_error'])
          .executeTakeFirstOrThrow();
        assert.equal(src.cursor, null, 'the cursor did not move');
        assert.match(src.last_error ?? '', /PostgreSQL connection closed/, 'and on the source');
        const written = await count(store, 'articles');
        assert.ok(written < ARTICLES, `killed half-way (${written} of ${ARTICLES})`);
        assert.equal(written, committed, 'only whole batches are visible');
        assert.equal(await count(store, 'changes'), written);
        assert.equal(await count(store, 'revisions'), written);
        assert.equal(await isScanLocked(store, source.id), false, 'no scan lock left behind');

        const started = Date.now();
        const [next] = await scanAll(ctx, {});
        const recoverMs = Date.now() - started;
        assert.equal(next.status, 'ok', 'the next scan is not busy and completes');
        assert.equal(next.counts.new, ARTICLES - written);
        assert.deepEqual(await scanSnapshot(store), await cleanRun(dir), 'the same state as a clean run');
        console.log(
          `mid-scan kill: ${killed} backend(s) ended after ${written} of ${ARTICLES} articles; the next scan completed it in ${recoverMs} ms`,
        );
      } finally {
        await store.close();
      }
    },
  );

  test(
    'mid-tick: ticks fail or finish cleanly and the next one delivers every digest exactly once',
    { skip, timeout: 300_000 },
    async () => {
      const b = await digestBench('postgres', { delayMs: 15 });
      try {
        for (let i = 0; i < USERS; i++) {
          const id = await insertDigestUser(b.store.db, { email: `reader${i}@example.org` });
          await subscribe(b.store.db, id, { technologyId: b.tech.winsrv });
        }
        await b.publish('Kerberos errors after the update', [b.tech.winsrv]);
        // A scan runs next to the ticks, so the kills also land on a scan and its lock.
        const source = await addSource(b.ctx, {
          kind: 'classic',
          location: classicFixture(3000),
          name: 'classic',
        });
        const scanning = scanAll(b.ctx, { source: 'classic' }).then(
          ([r]) => r.status,
          (err: unknown) => `threw: ${String(err)}`,
        );
        let remarked = 0;
        const warn = b.ctx.log.warn;
        b.ctx.log.warn = (msg) => {
          if (/marking digests .* sent failed/.test(msg)) remarked++;
          warn(msg);
        };

        // Ticks run back to back, as a busy scheduler would run them. Every backend is ended
        // KILLS times while they send: the first kills certainly in the middle of the "sent" mark
        // of accepted messages, the others in the middle of any statement (a claim, a renewal).
        const outcomes: string[] = [];
        let stop = false;
        const ticking = (async () => {
          while (!stop) {
            outcomes.push(
              await b.tick(AT, { leaseMs: LEASE_MS, concurrency: 8 }).then(
                (r) => `sent ${r.delivery?.sent ?? 0}`,
                (err: unknown) => `failed (${err instanceof Error ? err.message : String(err)})`,
              ),
            );
            await sleep(20);
          }
        })();
        let killed = 0;
        const acceptedAtKill: number[] = [];
        for (let k = 0; k < KILLS; k++) {
          await waitFor(() => b.sink.stats.accepted >= 40 + k * 50, 120_000, 'the ticks to be sending');
          acceptedAtKill.push(b.sink.stats.accepted);
          killed +=
            k < MARK_KILLS
              ? await terminateWhileBlocked(b.store.url, LOCK_SENDING, SENT_MARK)
              : await terminateWhenBusy(b.store.url);
        }
        stop = true;
        await ticking;
        const scanStatus = await scanning;
        assert.doesNotMatch(scanStatus, /threw/, 'the scan reports, it does not throw');

        const started = Date.now();
        let rounds = 0;
        for (; rounds < 10 && (await unsent(b)) > 0; rounds++) {
          await sleep(LEASE_MS + 200); // claims of the killed ticks run out
          await b.tick(AT, { leaseMs: LEASE_MS, concurrency: 8 });
        }
        const recoverMs = Date.now() - started;
        const rows = await b.store.db.selectFrom('digests').select(['status']).execute();
        assert.equal(rows.length, USERS, 'one digest per reader');
        assert.ok(
          rows.every((r) => r.status === 'sent'),
          'all sent',
        );
        const counts = b.sink.countByRecipient();
        const missing = [...Array(USERS).keys()].filter((i) => !counts.has(`reader${i}@example.org`));
        assert.deepEqual(missing, [], 'every reader got a digest');
        const duplicates = [...counts.entries()].filter(([, n]) => n > 1);
        assert.deepEqual(duplicates, [], 'nobody got two');

        assert.equal(await isScanLocked(b.store, source.id), false, 'no scan lock left behind');
        const [rescan] = await scanAll(b.ctx, { source: 'classic' });
        assert.ok(['ok', 'up-to-date'].includes(rescan.status), `the next scan runs (${rescan.status})`);
        console.log(
          `mid-tick kill: ${KILLS} kills (${killed} backends) at ${acceptedAtKill.join(', ')} of ${USERS} accepted; ${remarked} "sent" mark(s) written again; ticks during the kills: ${outcomes.join('; ')}; scan ${scanStatus}; ${rounds} more tick(s), ${recoverMs} ms to deliver the rest; 0 duplicates`,
        );
      } finally {
        await b.close();
      }
    },
  );
});
