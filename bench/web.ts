/**
 * Web figures on the full corpus (support + classic) in SQLite: article and search pages under
 * autocannon (50 connections), beside a static Node server sending the same bytes, and the
 * server's memory after the runs. The server runs as its own process (`kbwatch serve --no-jobs`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error autocannon ships no types
import autocannon from 'autocannon';
import { connect } from '../src/store/db.ts';
import { testContext } from '../test/context.ts';
import { KB_DIR, repoCopy, sharedSkipReason } from '../test/shared-kb.ts';
import { addSource } from '../src/scan/sources.ts';
import { scanAll } from '../src/scan/run.ts';
import { median, type Row } from './lib.ts';
import { entryArgs } from '../bin/launch.js';

const DURATION = Number(process.env.KBWATCH_BENCH_SECONDS ?? 10);
const RUNS = Number(process.env.KBWATCH_BENCH_RUNS ?? 3);

interface Load {
  rps: number;
  p99: number;
  errors: number;
}

async function load(urls: string[], base: string): Promise<Load> {
  const result = await autocannon({
    url: base,
    connections: 50,
    duration: DURATION,
    requests: urls.map((path) => ({ method: 'GET', path })),
  });
  return { rps: result.requests.average, p99: result.latency.p99, errors: result.errors + result.non2xx };
}

async function medianLoad(urls: string[], base: string): Promise<Load> {
  const runs: Load[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await load(urls, base));
  return {
    rps: median(runs.map((r) => r.rps)),
    p99: median(runs.map((r) => r.p99)),
    errors: runs.reduce((a, r) => a + r.errors, 0),
  };
}

function startServer(env: Record<string, string>, port: number): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...entryArgs(), 'serve', '--no-jobs', '--port', String(port)], {
      env: { ...process.env, ...env, KBWATCH_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('listening')) resolve(child);
    });
    child.on('exit', (code) => reject(new Error(`bench: server exited with ${code}`)));
  });
}

function rssMB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The same bytes from a plain Node server in its own process: the ceiling for this machine. */
function staticServer(
  bodies: Map<string, Buffer>,
  dir: string,
): Promise<{ port: number; close: () => void }> {
  const file = join(dir, 'bodies.json');
  writeFileSync(file, JSON.stringify(Object.fromEntries([...bodies].map(([k, v]) => [k, v.toString()]))));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/static-server.ts', file], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    child.stdout!.on('data', (d: Buffer) => {
      const m = /listening (\d+)/.exec(d.toString());
      if (m) resolve({ port: Number(m[1]), close: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`bench: static server exited with ${code}`)));
  });
}

export async function benchWeb(): Promise<Row[]> {
  const skip = sharedSkipReason();
  if (skip) return [{ figure: 'web (skipped)', value: NaN, unit: '', target: '', note: skip }];
  const dataDir = mkdtempSync(join(tmpdir(), 'kbwatch-bench-web-'));
  const url = `sqlite:${join(dataDir, 'kbwatch.db')}`;
  const store = await connect(url, { migrate: true });
  const ctx = testContext(store, { dataDir });
  await addSource(ctx, {
    kind: 'git',
    name: 'support',
    location: `file://${repoCopy('support-articles.git')}`,
    options: { path: 'support/', urlTemplate: 'learn-support' },
  });
  await addSource(ctx, {
    kind: 'classic',
    name: 'classic',
    location: join(KB_DIR, 'kbarchive-classic.tar.xz'),
  });
  await scanAll(ctx, {});
  const kbs = (
    await store.db.selectFrom('articles').select('kb').where('kb', 'is not', null).orderBy('id').execute()
  ).map((r) => r.kb!);
  const titles = (await store.db.selectFrom('articles').select('title').orderBy('id').execute()).map(
    (r) => r.title,
  );
  await store.close();

  const articleUrls = Array.from({ length: 200 }, (_, i) => `/kb/${kbs[Math.floor((i * kbs.length) / 200)]}`);
  const searchUrls = Array.from({ length: 200 }, (_, i) => {
    const words = titles[Math.floor((i * titles.length) / 200)]
      .split(/\W+/)
      .filter((w) => w.length > 3)
      .slice(0, 2);
    return `/search?q=${encodeURIComponent(words.join(' ') || 'windows')}`;
  });

  const port = 18000 + Math.floor(Math.random() * 1000);
  const server = await startServer(
    {
      KBWATCH_DATABASE_URL: url,
      KBWATCH_DATA_DIR: dataDir,
      KBWATCH_SOURCES: 'none',
      KBWATCH_SECRET: 'bench',
    },
    port,
  );
  const base = `http://127.0.0.1:${port}`;
  try {
    const bodies = new Map<string, Buffer>();
    for (const u of articleUrls) bodies.set(u, Buffer.from(await (await fetch(base + u)).arrayBuffer()));
    const articles = await medianLoad(articleUrls, base);
    const search = await medianLoad(searchUrls, base);
    const memory = rssMB(server.pid!);
    const stat = await staticServer(bodies, dataDir);
    const baseline = await medianLoad(articleUrls, `http://127.0.0.1:${stat.port}`);
    stat.close();
    return [
      {
        figure: 'article page, 50 connections',
        value: articles.rps,
        unit: 'req/s',
        target: '>= 1500',
        baseline: 'static Node server, same bytes (req/s)',
        baselineValue: baseline.rps,
        note: `errors ${articles.errors}`,
      },
      { figure: 'article page p99', value: articles.p99, unit: 'ms', target: '<= 50' },
      {
        figure: 'article page vs static server',
        value: articles.rps / baseline.rps,
        unit: 'x',
        target: '>= 0.4',
      },
      {
        figure: 'search page, 50 connections',
        value: search.rps,
        unit: 'req/s',
        target: '>= 500',
        note: `errors ${search.errors}`,
      },
      { figure: 'search page p99', value: search.p99, unit: 'ms', target: '<= 100' },
      {
        figure: 'server RSS after the runs (support + classic)',
        value: memory,
        unit: 'MB',
        target: '<= 250',
      },
    ];
  } finally {
    server.kill('SIGTERM');
  }
}
