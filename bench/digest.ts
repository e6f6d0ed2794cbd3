/**
 * Digest figures on SQLite and PostgreSQL: matching 100,000 users × 3 subscriptions against the
 * biggest real day, composing and queuing 100,000 digests, and sending to a local SMTP sink
 * compared with the same messages sent straight through pooled nodemailer with no store.
 * Each task runs in its own process (bench/digest-worker.ts); medians of KBWATCH_BENCH_RUNS.
 */
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { createDatabase } from '../test/stores.ts';
import { sharedSkipReason } from '../test/shared-kb.ts';
import { postgresAvailable } from '../test/stores.ts';
import { median, type Row } from './lib.ts';
import type { DigestBenchData } from './digest-data.ts';

const RUNS = Number(process.env.KBWATCH_BENCH_RUNS ?? 3);
const SEND = Number(process.env.KBWATCH_BENCH_DIGEST_SEND ?? 5_000);

function worker<T>(task: string, args: Record<string, string | number>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--max-old-space-size=4096', '--import', 'tsx', 'bench/digest-worker.ts', task, JSON.stringify(args)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench digest: ${task} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      } catch (err) {
        reject(new Error(`bench digest: ${task} printed no result: ${out.slice(-500)} ${String(err)}`));
      }
    });
  });
}

/** A discarding SMTP server in its own process, so it does not share the sender's CPU. */
function startSink(): Promise<{ url: string; stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/digest-worker.ts', 'sink', '{}'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout.once('data', (d: Buffer) => {
      const { port } = JSON.parse(d.toString().split('\n')[0]) as { port: number };
      resolve({ url: `smtp://127.0.0.1:${port}`, stop: () => child.kill('SIGTERM') });
    });
    child.once('exit', (code) => reject(new Error(`bench digest: sink exited with ${code}`)));
  });
}

async function runs<T>(n: number, fn: () => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
}

async function benchDialect(dialect: 'sqlite' | 'postgres'): Promise<Row[]> {
  const db = await createDatabase(dialect);
  try {
    const data = await worker<DigestBenchData>('setup', { url: db.url });
    const note = `${data.users} users, ${data.distinctQueries} distinct saved queries; load average ${loadavg()[0].toFixed(1)}`;
    type Match = {
      seconds: number;
      cpuSeconds: number;
      maxRssMB: number;
      usersWithItems: number;
      items: number;
      changes: number;
    };
    const match = await runs(RUNS, () =>
      worker<Match>('match', { url: db.url, aFrom: data.aFrom, aTo: data.aTo }),
    );
    // Composing 100,000 digests is not cheap: one run.
    const compose = await runs(1, () =>
      worker<{ seconds: number; cpuSeconds: number; queued: number; maxRssMB: number }>('compose', {
        url: db.url,
        aTo: data.aTo,
        at: data.at,
      }),
    );
    const sink = await startSink();
    try {
      type Sent = { seconds: number; sent: number; perSecond: number };
      const sent = await runs(RUNS, () => worker<Sent>('send', { url: db.url, n: SEND, smtpUrl: sink.url }));
      const base = await runs(RUNS, () =>
        worker<Sent>('baseline', { url: db.url, n: SEND, smtpUrl: sink.url }),
      );
      const ours = median(sent.map((s) => s.perSecond));
      const theirs = median(base.map((s) => s.perSecond));
      return [
        {
          figure: 'digest: match users × 3 subscriptions against the biggest day',
          dialect,
          value: median(match.map((m) => m.seconds)),
          unit: 's',
          target: '<= 5',
          note: `${note}; ${match[0].changes} changes; ${match[0].usersWithItems} users with items, ${match[0].items} items; ${median(match.map((m) => m.cpuSeconds)).toFixed(1)} CPU s`,
        },
        {
          figure: 'digest: match, peak RSS',
          dialect,
          value: Math.max(...match.map((m) => m.maxRssMB)),
          unit: 'MB',
          target: '<= 500',
        },
        {
          figure: 'digest: compose and queue digests',
          dialect,
          value: median(compose.map((c) => c.seconds)),
          unit: 's',
          target: '<= 60',
          note: `${compose[0].queued} digests queued in ${median(compose.map((c) => c.cpuSeconds)).toFixed(1)} CPU s; peak RSS ${Math.max(...compose.map((c) => c.maxRssMB)).toFixed(0)} MB`,
        },
        {
          figure: 'digest: send to a local SMTP sink',
          dialect,
          value: ours,
          unit: 'msg/s',
          target: '>= 500',
          baseline: 'pooled nodemailer, no store (msg/s)',
          baselineValue: theirs,
          note: `${SEND} messages, 4 SMTP connections, 8 in flight`,
        },
        {
          figure: 'digest: send rate relative to nodemailer alone',
          dialect,
          value: ours / theirs,
          unit: 'x',
          target: '>= 0.7',
        },
      ];
    } finally {
      sink.stop();
    }
  } finally {
    await db.drop();
  }
}

export async function benchDigest(): Promise<Row[]> {
  const skip = sharedSkipReason();
  if (skip) return [{ figure: 'digest (skipped)', value: NaN, unit: '', target: '', note: skip }];
  const rows: Row[] = [];
  for (const dialect of ['sqlite', 'postgres'] as const) {
    if (dialect === 'postgres' && !(await postgresAvailable())) {
      rows.push({
        figure: 'digest on postgres (skipped)',
        value: NaN,
        unit: '',
        target: '',
        note: 'PostgreSQL not reachable',
      });
      continue;
    }
    try {
      rows.push(...(await benchDialect(dialect)));
    } catch (err) {
      rows.push({
        figure: 'digest (failed)',
        dialect,
        value: NaN,
        unit: '',
        target: '',
        note: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return rows;
}
