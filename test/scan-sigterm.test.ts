/**
 * SIGTERM during a scan of the biggest real day, on both databases: the Office corpus's
 * 2024-08-19, when some 1,330 articles changed at once. A `kbwatch worker` on the nightly
 * schedule starts the night's scan at start-up (the night's tick was missed) and is asked to
 * stop once its first batch is committed: it finishes the batch at hand, records the scan as
 * failed (stopped), releases the source's lock, leaves the cursor where it was, gives the night's
 * tick back and exits 0. A new worker catches the night up and completes the day: every change
 * recorded once, the same changes, path by path, as a clean scan of that day, and the cursor at
 * the day's commit.
 */
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import pg from 'pg';
import { connect, type Dialect, type Store } from '../src/store/db.ts';
import { scanAll } from '../src/scan/run.ts';
import { addSource } from '../src/scan/sources.ts';
import { previousRun } from '../src/jobs/scheduler.ts';
import { claimTick } from '../src/store/job-ticks.ts';
import { scanLockHolder } from '../src/store/locks.ts';
import { testContext } from './context.ts';
import { startKbwatch, waitFor } from './process.ts';
import { days, git, repoCopy, sharedSkipReason } from './shared-kb.ts';
import { createDatabase, PG_ADMIN_URL, skipReason, DIALECTS, type TestDatabase } from './stores.ts';

const DAY = '2024-08-19';
const NIGHTLY = '0 3 * * *';
const SHUTDOWN_SECONDS = 30;
const sharedSkip = sharedSkipReason('office-support.git');

/** A copy of a database (its connections closed): a file copy, or a PostgreSQL template. */
async function cloneDatabase(from: TestDatabase): Promise<TestDatabase> {
  const to = await createDatabase(from.dialect);
  if (from.dialect === 'sqlite') {
    const src = from.url.slice('sqlite:'.length);
    const dst = to.url.slice('sqlite:'.length);
    copyFileSync(src, dst);
    if (existsSync(`${src}-wal`)) copyFileSync(`${src}-wal`, `${dst}-wal`);
    return to;
  }
  const name = new URL(to.url).pathname.slice(1);
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE ${name}`);
    await admin.query(`CREATE DATABASE ${name} TEMPLATE ${new URL(from.url).pathname.slice(1)}`);
  } finally {
    await admin.end();
  }
  return to;
}

interface DayChange {
  path: string;
  kind: string;
}

/** The changes recorded after scan `afterScan`, by path: each path's kinds, sorted. */
async function changesByPath(store: Store, afterScan: number): Promise<Map<string, string[]>> {
  const rows: DayChange[] = await store.db
    .selectFrom('changes')
    .select(['path', 'kind'])
    .where('scan_id', '>', afterScan)
    .execute();
  const out = new Map<string, string[]>();
  for (const r of rows) out.set(r.path, [...(out.get(r.path) ?? []), r.kind].sort());
  return out;
}

async function lastScan(store: Store) {
  return store.db
    .selectFrom('scans')
    .select(['id', 'status', 'message'])
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirstOrThrow();
}

async function cursor(store: Store): Promise<string | null> {
  return (await store.db.selectFrom('sources').select('cursor').executeTakeFirstOrThrow()).cursor;
}

async function changeCount(store: Store, afterScan: number): Promise<number> {
  const r = await store.db
    .selectFrom('changes')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('scan_id', '>', afterScan)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

function exitOf(child: ReturnType<typeof startKbwatch>): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => resolve(code));
  });
}

/** A database at the day before DAY (scanned in process), and the day's commit on a branch. */
async function dayBefore(dialect: Dialect, dataDir: string) {
  const repo = repoCopy('office-support.git');
  const timeline = days(repo);
  const i = timeline.findIndex((d) => d.date === DAY);
  const target = timeline[i].commit;
  git(repo, ['update-ref', 'refs/heads/bulk-day', target]);
  const testDb = await createDatabase(dialect);
  const store = await connect(testDb.url, { migrate: true });
  try {
    const ctx = testContext(store, { dataDir });
    await addSource(ctx, {
      kind: 'git',
      location: `file://${repo}`,
      name: 'office',
      options: { path: '', urlTemplate: 'learn-office', branch: 'bulk-day' },
    });
    const [before] = await scanAll(ctx, { ref: timeline[i - 1].commit });
    assert.equal(before.status, 'ok');
    // The nightly scan last ran two nights ago: a worker starting now catches up last night's.
    const night = previousRun(NIGHTLY, new Date())!;
    const earlier = new Date(night.getTime() - 86_400_000).toISOString();
    await claimTick(store.db, 'scan', earlier, 'a worker long gone', earlier);
    return { testDb, target, before: timeline[i - 1].commit, baseScan: (await lastScan(store)).id };
  } finally {
    await store.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`SIGTERM during a scan of the biggest real day (${dialect})`, async () => {
    const skip = sharedSkip || (await skipReason(dialect));
    test(`${DAY}: stops cleanly, and a restart records each change once`, { skip }, async () => {
      const dataDir = mkdtempSync(join(tmpdir(), 'kbwatch-scan-sigterm-'));
      const setup = Date.now();
      const base = await dayBefore(dialect, dataDir);
      const cleanDb = await cloneDatabase(base.testDb);
      const store = await connect(base.testDb.url);
      const clean = await connect(cleanDb.url);
      try {
        const setupMs = Date.now() - setup;
        const env = {
          KBWATCH_DATABASE_URL: store.url,
          KBWATCH_DATA_DIR: dataDir,
          KBWATCH_SECRET: 'scan-sigterm-secret',
          KBWATCH_SOURCES: 'none',
          KBWATCH_SCAN_SCHEDULE: NIGHTLY,
          KBWATCH_DIGEST_TICK: '0 0 1 1 *',
          KBWATCH_SHUTDOWN_SECONDS: String(SHUTDOWN_SECONDS),
        };
        const first = startKbwatch(['worker'], env);
        const firstExit = exitOf(first);
        await waitFor(
          async () => (await changeCount(store, base.baseScan)) > 0 || first.exitCode !== null,
          60_000,
          'the first batch to be committed',
        );
        assert.equal(first.exitCode, null, first.output().stderr);
        const signalled = Date.now();
        first.kill('SIGTERM');
        const code = await firstExit;
        const stopMs = Date.now() - signalled;
        assert.equal(code, 0, first.output().stderr);
        assert.ok(stopMs < SHUTDOWN_SECONDS * 1000, `stopped in ${stopMs} ms`);

        const partial = await changeCount(store, base.baseScan);
        const stopped = await lastScan(store);
        assert.equal(stopped.status, 'failed', 'the stopped scan is recorded as failed');
        assert.match(stopped.message ?? '', /stopped by shutdown/);
        const sourceId = (await store.db.selectFrom('sources').select('id').executeTakeFirstOrThrow()).id;
        assert.equal(await scanLockHolder(store, sourceId), undefined, 'the scan lock is released');
        assert.equal(await cursor(store), base.before, 'the cursor did not move');
        const ticks = await store.db
          .selectFrom('job_ticks')
          .select('tick')
          .where('job', '=', 'scan')
          .execute();
        assert.equal(ticks.length, 1, 'the night the stopped scan ran for is left to the next process');

        const restarted = Date.now();
        const second = startKbwatch(['worker'], env);
        const secondExit = exitOf(second);
        try {
          await waitFor(
            async () => (await cursor(store)) === base.target,
            120_000,
            'the next worker to catch the night up',
          );
        } finally {
          second.kill('SIGTERM');
        }
        const recoverMs = Date.now() - restarted;
        assert.equal(await secondExit, 0, second.output().stderr);

        const cleanStarted = Date.now();
        const [reference] = await scanAll(testContext(clean, { dataDir }), {});
        const cleanMs = Date.now() - cleanStarted;
        assert.equal(reference.status, 'ok');
        assert.equal(await cursor(clean), base.target);
        const expected = await changesByPath(clean, base.baseScan);
        const actual = await changesByPath(store, base.baseScan);
        assert.ok(expected.size > 1300, `the day changes ${expected.size} articles`);
        assert.ok(partial < expected.size, `stopped half-way (${partial} of ${expected.size})`);
        assert.deepEqual(actual, expected, 'the same changes as a clean scan, each once');
        assert.ok(
          [...actual.values()].every((kinds) => kinds.length === 1),
          'one change per path',
        );
        const kinds = new Map<string, number>();
        for (const [k] of actual.values()) kinds.set(k, (kinds.get(k) ?? 0) + 1);
        console.log(
          `scan SIGTERM test (${dialect}, ${DAY}): ${expected.size} changes (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}); SIGTERM after ${partial} recorded, stopped in ${stopMs} ms; restart to cursor at the day: ${recoverMs} ms; clean scan of the day in process: ${cleanMs} ms; setup ${setupMs} ms`,
        );
      } finally {
        await store.close();
        await clean.close();
        await base.testDb.drop();
        await cleanDb.drop();
      }
    });
  });
}
