/**
 * Crash safety, on both databases: `kbwatch digest run` is SIGKILLed at random points (during
 * start-up and composing, and right after the SMTP server accepted a message) at least 20
 * times and started again, two processes at a time. In the end every due user has exactly one
 * digest row, sent, and received it.
 *
 * Duplicates are accounted for exactly, from the sink's and the outbox's own records. Each of
 * the two process slots sends to an SMTP sink of its own, so once a slot's process is dead, every
 * message that sink accepted whose digest row is still not `sent` was accepted in that process's
 * kill window: between the server's acceptance and the commit that marks it. Such a row is sent
 * again by a later process, and that is the only way a user may get a second copy: every user
 * with more than one message must have had window acceptances, as many as their extra copies.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import type { Database } from '../src/store/schema.ts';
import { insertArticle, insertSource, insertTechnology } from './factories.ts';
import { insertChange, insertDigestUser, insertScan, subscribe } from './digest-factories.ts';
import { KBWATCH_ARGS } from './process.ts';
import { seededRandom, startFaultSink, type FaultSink } from './smtp-fault-sink.ts';
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
    [...KBWATCH_ARGS, 'digest', 'run', '--at', AT, '--lease', String(LEASE_SECONDS)],
    { env, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, stderr: () => err };
}

/**
 * Acceptances that fell in a kill window, per recipient. `note(sink)` is called once the only
 * process sending to `sink` is dead: every message it accepted whose row is not `sent` was
 * accepted in that process's kill window (a row's lease outlives the check, so no other process
 * can have taken it over and sent it meanwhile). Each acceptance is counted once.
 */
class KillWindows {
  readonly perRecipient = new Map<string, number>();
  acceptances = 0;
  private readonly counted = new Set<string>();

  constructor(private readonly db: Kysely<Database>) {}

  async note(sink: FaultSink): Promise<void> {
    // The sink records a message a few ms after its final dot: let those of a killed process land.
    await new Promise((r) => setTimeout(r, 50 + (sink.options.delayMs ?? 0)));
    const rows = await this.db.selectFrom('digests').select(['to_address', 'status']).execute();
    const status = new Map(rows.map((r) => [r.to_address.toLowerCase(), r.status]));
    sink.accepted.forEach((mail, i) => {
      const key = `${sink.port}:${i}`;
      const [to] = mail.to;
      if (this.counted.has(key) || status.get(to) === 'sent') return;
      this.counted.add(key);
      this.acceptances++;
      this.perRecipient.set(to, (this.perRecipient.get(to) ?? 0) + 1);
    });
  }
}

async function seed(db: Kysely<Database>): Promise<void> {
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
}

async function countWhere(db: Kysely<Database>, notSent: boolean): Promise<number> {
  let q = db.selectFrom('digests').select((eb) => eb.fn.countAll<number>().as('n'));
  if (notSent) q = q.where('status', '!=', 'sent');
  return Number((await q.executeTakeFirstOrThrow()).n);
}

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`digest crash safety on ${dialect}`, { skip: reason }, () => {
    it(
      `every due user gets a digest despite ${KILLS}+ SIGKILLs; duplicates only from kill windows`,
      { timeout: 240_000 },
      async () => {
        const store = await createStore(dialect);
        const sinks = [
          await startFaultSink({ delayMs: 2, seed: 1 }),
          await startFaultSink({ delayMs: 2, seed: 2 }),
        ];
        const random = seededRandom(dialect === 'sqlite' ? 11 : 12);
        const started = Date.now();
        try {
          const db = store.db;
          await seed(db);
          const env = (sink: FaultSink) => ({
            ...process.env,
            KBWATCH_DATABASE_URL: store.url,
            KBWATCH_SMTP_URL: sink.url,
            KBWATCH_SECRET: 'crash-test-secret',
            KBWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'kbwatch-crash-')),
            KBWATCH_BASE_URL: 'https://kbwatch.example',
            KBWATCH_SOURCES: 'none',
            KBWATCH_LOG_LEVEL: 'error',
          });
          const windows = new KillWindows(db);
          const accepted = () => sinks.reduce((n, s) => n + s.stats.accepted, 0);

          let kills = 0;
          let midSend = 0;
          const cycle = async (sink: FaultSink) => {
            const { child, exited, stderr } = runChild(env(sink));
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
            await windows.note(sink);
          };
          // One process per slot at a time, each slot with its own sink.
          const slot = async (sink: FaultSink) => {
            while (kills < KILLS) await cycle(sink);
          };
          await Promise.all(sinks.slice(0, PARALLEL).map(slot));
          for (const sink of sinks) await windows.note(sink); // every process is dead now

          // Let the leases of killed processes expire, then finish the work.
          for (let round = 0; round < 20; round++) {
            if ((await countWhere(db, true)) === 0 && (await countWhere(db, false)) === USERS) break;
            await new Promise((r) => setTimeout(r, LEASE_SECONDS * 1000 + 100));
            const { exited, stderr } = runChild(env(sinks[0]));
            const code = await exited;
            assert.equal(code, 0, stderr());
          }

          const rows = await db.selectFrom('digests').select(['user_id', 'status']).execute();
          assert.equal(rows.length, USERS, 'one digest row per user');
          assert.ok(
            rows.every((r) => r.status === 'sent'),
            'all sent',
          );
          const counts = new Map<string, number>();
          for (const sink of sinks)
            for (const [to, n] of sink.countByRecipient()) counts.set(to, (counts.get(to) ?? 0) + n);
          const missing = [...Array(USERS).keys()].filter((i) => !counts.has(`user${i}@example.org`));
          assert.deepEqual(missing, [], 'every user received a digest');
          const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
          console.log(
            `digest crash test (${dialect}): ${kills} kills (${midSend} while mail was being accepted), ${accepted()} messages accepted for ${USERS} users, ${windows.acceptances} acceptances inside a kill window (for ${windows.perRecipient.size} users), ${duplicates} duplicate(s), ${Math.round((Date.now() - started) / 1000)} s`,
          );
          assert.ok(kills >= KILLS);
          assert.ok(
            midSend >= KILLS / 2,
            `at least half the kills fell while mail was being sent (${midSend})`,
          );
          for (const [to, n] of counts) {
            if (n === 1) continue;
            const inWindow = windows.perRecipient.get(to) ?? 0;
            assert.ok(
              n - 1 <= inWindow,
              `${to} received ${n} messages, ${inWindow} of its acceptances fell in a kill window`,
            );
          }
          assert.ok(
            duplicates <= windows.acceptances,
            `${duplicates} duplicates, ${windows.acceptances} acceptances in a kill window`,
          );
        } finally {
          for (const sink of sinks) await sink.close();
          await store.close();
        }
      },
    );
  });
}
