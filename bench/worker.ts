/**
 * One benchmark task per process, so peak RSS is the task's own. Prints one JSON line.
 * Tasks: parse-support, parse-classic, ingest-support, classic-then-search, nightly.
 */
import { join } from 'node:path';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, type Dialect } from '../src/store/db.ts';
import { createDatabase } from '../test/stores.ts';
import { testContext } from '../test/context.ts';
import { days, git, gitDiff, repoCopy, KB_DIR } from '../test/shared-kb.ts';
import { addSource } from '../src/scan/sources.ts';
import { scanAll } from '../src/scan/run.ts';
import { GitMirror } from '../src/sources/git.ts';
import { isArticlePath, parseMarkdownArticle } from '../src/sources/markdown.ts';
import { parseClassicArticle, readClassicSource } from '../src/sources/classic.ts';
import { searchQueries, runSearchBench } from './search-queries.ts';

const CLASSIC = join(KB_DIR, 'kbarchive-classic.tar.xz');
const [task, argJson] = process.argv.slice(2);
const args = JSON.parse(argJson ?? '{}') as Record<string, string>;

function rssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

async function withStore<T>(
  dialect: Dialect,
  fn: (ctx: ReturnType<typeof testContext>) => Promise<T>,
): Promise<T> {
  const tdb = await createDatabase(dialect);
  const store = await connect(tdb.url, { migrate: true });
  try {
    return await fn(testContext(store, { now: '2022-10-14T23:59:00Z' }));
  } finally {
    await store.close();
    await tdb.drop();
  }
}

async function addSupport(ctx: ReturnType<typeof testContext>) {
  await addSource(ctx, {
    kind: 'git',
    name: 'support',
    location: `file://${repoCopy('support-articles.git')}`,
    options: { path: 'support/', urlTemplate: 'learn-support' },
  });
}

async function main(): Promise<unknown> {
  switch (task) {
    case 'parse-support': {
      const t0 = performance.now();
      const dir = mkdtempSync(join(tmpdir(), 'kbwatch-bench-'));
      const mirror = new GitMirror(join(dir, 'm'), `file://${repoCopy('support-articles.git')}`, {
        timeoutMs: 600_000,
      });
      await mirror.ensure();
      const head = await mirror.resolve();
      const paths = (await mirror.listFiles(head, 'support/')).filter((p) => isArticlePath(p, 'support/'));
      let n = 0;
      for await (const blob of mirror.readBlobs(head, paths)) {
        if ('data' in blob) {
          try {
            parseMarkdownArticle(blob.path, blob.data, { urlTemplate: 'learn-support', root: 'support/' });
            n++;
          } catch {
            /* counted as not parsed */
          }
        }
      }
      return { seconds: (performance.now() - t0) / 1000, articles: n, maxRssMB: rssMB() };
    }
    case 'parse-classic': {
      const t0 = performance.now();
      let n = 0;
      for await (const f of readClassicSource(CLASSIC)) {
        if ('data' in f) {
          try {
            parseClassicArticle(f.path, f.data);
            n++;
          } catch {
            /* skipped */
          }
        }
      }
      return { seconds: (performance.now() - t0) / 1000, articles: n, maxRssMB: rssMB() };
    }
    case 'ingest-support':
      return withStore(args.dialect as Dialect, async (ctx) => {
        await addSupport(ctx);
        const t0 = performance.now();
        const [r] = await scanAll(ctx, {});
        return {
          seconds: (performance.now() - t0) / 1000,
          articles: r.counts.new,
          errors: r.counts.errors,
          maxRssMB: rssMB(),
        };
      });
    case 'classic-then-search':
      // Cold classic ingest (timed, with its peak RSS), then the support KB beside it and the search set.
      return withStore(args.dialect as Dialect, async (ctx) => {
        await addSource(ctx, { kind: 'classic', name: 'classic', location: CLASSIC });
        const t0 = performance.now();
        const [r] = await scanAll(ctx, {});
        const ingest = {
          seconds: (performance.now() - t0) / 1000,
          articles: r.counts.new,
          errors: r.counts.errors,
          maxRssMB: rssMB(),
        };
        await addSupport(ctx);
        await scanAll(ctx, {});
        const queries = await searchQueries(ctx.store, 500);
        return { ingest, search: await runSearchBench(ctx.store, queries) };
      });
    case 'nightly':
      return withStore(args.dialect as Dialect, async (ctx) => {
        // A real night: the remote's branch moves on by one day and the scan fetches it.
        const repo = repoCopy('support-articles.git');
        const timeline = days(repo);
        const remote = join(mkdtempSync(join(tmpdir(), 'kbwatch-remote-')), 'support.git');
        cpSync(repo, remote, { recursive: true });
        const moveTo = (i: number) => git(remote, ['update-ref', 'refs/heads/main', timeline[i].commit]);
        const sizes = timeline
          .slice(1)
          .map((d, i) => ({ i: i + 1, n: gitDiff(repo, timeline[i].commit, d.commit).length }));
        const nonEmpty = sizes.filter((s) => s.n > 0).sort((a, b) => a.n - b.n);
        const mid = Math.floor(nonEmpty.length / 2);
        const medianDays = nonEmpty.slice(mid - 2, mid + 3).map((s) => s.i);
        const emptyDays = sizes
          .filter((s) => s.n === 0)
          .slice(0, 5)
          .map((s) => s.i);
        const biggest = nonEmpty[nonEmpty.length - 1].i;
        const wanted = [...new Set([...medianDays, ...emptyDays, biggest])].sort((a, b) => a - b);
        moveTo(wanted[0] - 1);
        await addSource(ctx, {
          kind: 'git',
          name: 'support',
          location: `file://${remote}`,
          options: { path: 'support/', urlTemplate: 'learn-support' },
        });
        await scanAll(ctx, {});
        const out: Record<string, number[]> = { median: [], empty: [], biggest: [] };
        const changes: Record<string, number[]> = { median: [], empty: [], biggest: [] };
        for (const i of wanted) {
          moveTo(i - 1);
          await scanAll(ctx, {});
          moveTo(i);
          const t0 = performance.now();
          const [r] = await scanAll(ctx, {});
          const s = (performance.now() - t0) / 1000;
          const kind = i === biggest ? 'biggest' : emptyDays.includes(i) ? 'empty' : 'median';
          out[kind].push(s);
          changes[kind].push(r.changes.length);
        }
        return { seconds: out, changes };
      });
    default:
      throw new Error(`bench worker: unknown task ${task}`);
  }
}

const result = await main();
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
