/**
 * Crash safety, on both databases: `kbwatch digest run` is SIGKILLed at random points (during
 * start-up and composing, and right after the SMTP server accepted a message) at least 20
 * times and started again, two processes at a time. In the end every due user has exactly one
 * digest row, sent, and received it; a duplicate is only possible when a kill fell between the
 * server's acceptance and the commit that follows it, and their count is reported.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { insertArticle, insertSource, insertTechnology } from './factories.ts';
import { insertChange, insertDigestUser, insertScan, subscribe } from './digest-factories.ts';
import { seededRandom, startFaultSink } from './smtp-fault-sink.ts';
import { createStore, DIALECTS, skipReason } from './stores.ts';

const USERS = 600;
const KILLS = 20;
const PARALLEL = 2;
const AT = '2026-10-20T08:00:00Z';
const LEASE_SECONDS = 3;

function runChild(env: NodeJS.ProcessEnv): {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
} {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/main.ts', 'digest', 'run', '--at', AT, '--lease', String(LEASE_SECONDS)],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => err };
}

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`digest crash safety on ${dialect}`, { skip: reason }, () => {
    it(
      `every due user gets exactly one digest despite ${KILLS}+ SIGKILLs`,
      { timeout: 240_000 },
      async () => {
        const store = await createStore(dialect);
        const sink = await startFaultSink({ delayMs: 2 });
        const random = seededRandom(dialect === 'sqlite' ? 11 : 12);
        try {
          const db = store.db;
          const sourceId = await insertSource(db, 'support');
          const scanId = await insertScan(db, sourceId);
          const tech = await insertTechnology(db, { slug: 'windows-server', name: 'Windows Server' });
          for (let i = 0; i < USERS; i++) {
            const id = await insertDigestUser(db, { email: `user${i}@example.org` });
            await subscribe(db, id, { technologyId: tech });
          }
          for (const title of ['Kerberos errors', 'Cluster validation fails', 'DNS scavenging']) {
            const articleId = await insertArticle(db, { sourceId, title, kb: null, technologies: [tech] });
            await insertChange(db, { scanId, sourceId, articleId });
          }
          const env = {
            ...process.env,
            KBWATCH_DATABASE_URL: store.url,
            KBWATCH_SMTP_URL: sink.url,
            KBWATCH_SECRET: 'crash-test-secret',
            KBWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'kbwatch-crash-')),
            KBWATCH_BASE_URL: 'https://kbwatch.example',
            KBWATCH_SOURCES: 'none',
            KBWATCH_LOG_LEVEL: 'error',
          };

          let kills = 0;
          let midSend = 0;
          const live = new Set<Promise<void>>();
          const cycle = async () => {
            const { child, exited, stderr } = runChild(env);
            const before = sink.stats.accepted;
            const byProgress = random() < 0.75;
            const target = before + 1 + Math.floor(random() * 20);
            const deadline = Date.now() + (byProgress ? 60_000 : 200 + random() * 2500);
            let exitCode: number | null | undefined;
            void exited.then((c) => (exitCode = c));
            while (
              exitCode === undefined &&
              Date.now() < deadline &&
              !(byProgress && sink.stats.accepted >= target)
            )
              await new Promise((r) => setTimeout(r, 2));
            if (exitCode === undefined) {
              child.kill('SIGKILL');
              kills++;
              if (sink.stats.accepted > before) midSend++;
            } else if (exitCode !== 0) {
              throw new Error(`digest run exited with ${exitCode}: ${stderr()}`);
            }
            await exited;
          };
          while (kills < KILLS) {
            while (live.size < PARALLEL) {
              const p: Promise<void> = cycle().finally(() => live.delete(p));
              live.add(p);
            }
            await Promise.race(live);
          }
          await Promise.all(live);

          // Let the leases of killed processes expire, then finish the work.
          for (let round = 0; round < 20; round++) {
            const left = await db
              .selectFrom('digests')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('status', '!=', 'sent')
              .executeTakeFirstOrThrow();
            const rows = await db
              .selectFrom('digests')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow();
            if (Number(left.n) === 0 && Number(rows.n) === USERS) break;
            await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000 + 100));
            const { exited, stderr } = runChild(env);
            const code = await exited;
            assert.equal(code, 0, stderr());
          }

          const rows = await db.selectFrom('digests').select(['user_id', 'status']).execute();
          assert.equal(rows.length, USERS, 'one digest row per user');
          assert.ok(
            rows.every((r) => r.status === 'sent'),
            'all sent',
          );
          const counts = sink.countByRecipient();
          const missing = [...Array(USERS).keys()].filter((i) => !counts.has(`user${i}@example.org`));
          assert.deepEqual(missing, [], 'every user received a digest');
          const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
          console.log(
            `digest crash test (${dialect}): ${kills} kills, ${midSend} during sending, ${sink.stats.accepted} messages accepted for ${USERS} users, ${duplicates} duplicate(s)`,
          );
          assert.ok(kills >= KILLS);
          assert.ok(
            midSend >= KILLS / 2,
            `at least half the kills fell while mail was being sent (${midSend})`,
          );
          assert.ok(
            duplicates <= kills * 8,
            'duplicates only from the acceptance-to-commit window (at most one per message in flight per kill)',
          );
        } finally {
          await sink.close();
          await store.close();
        }
      },
    );
  });
}
