/** Ingest, nightly scan and search figures, on SQLite and PostgreSQL. */
import { inChild, median, type Row } from './lib.ts';
import { sharedSkipReason } from '../test/shared-kb.ts';

const RUNS = Number(process.env.KBWATCH_BENCH_RUNS ?? 3);
const DIALECTS = ['sqlite', 'postgres'];

interface SearchFigures {
  p50: number;
  p99: number;
  rawP50: number;
  rawP99: number;
  medianRatio: number;
}

interface Timed {
  seconds: number;
  articles: number;
  maxRssMB: number;
}

async function medianOf(task: string, args: Record<string, string>, runs: number): Promise<Timed> {
  const results: Timed[] = [];
  for (let i = 0; i < runs; i++) results.push(await inChild<Timed>(task, args));
  return {
    seconds: median(results.map((r) => r.seconds)),
    articles: results[0].articles,
    maxRssMB: Math.max(...results.map((r) => r.maxRssMB)),
  };
}

export async function benchIngest(): Promise<Row[]> {
  const skip = sharedSkipReason();
  if (skip) return [{ figure: 'ingest (skipped)', value: NaN, unit: '', target: '', note: skip }];
  const rows: Row[] = [];
  const parseSupport = await medianOf('parse-support', {}, RUNS);
  const parseClassic = await medianOf('parse-classic', {}, Math.min(RUNS, 2));
  for (const dialect of DIALECTS) {
    const s = await medianOf('ingest-support', { dialect }, RUNS);
    rows.push({
      figure: 'cold ingest, support-articles',
      dialect,
      value: s.articles / s.seconds,
      unit: 'articles/s',
      target: '>= 1000',
      baseline: 'read + parse only',
      baselineValue: parseSupport.articles / parseSupport.seconds,
      note: `${s.articles} articles in ${s.seconds.toFixed(1)} s`,
    });
    const { ingest: c, search: q } = await inChild<{ ingest: Timed; search: SearchFigures }>(
      'classic-then-search',
      { dialect },
    );
    rows.push({
      figure: 'cold ingest, classic (one run)',
      dialect,
      value: c.seconds,
      unit: 's',
      target: '<= 60',
      baseline: 'read + parse only (s)',
      baselineValue: parseClassic.seconds,
      note: `${c.articles} articles`,
    });
    rows.push({
      figure: 'cold ingest, classic: peak RSS',
      dialect,
      value: c.maxRssMB,
      unit: 'MB',
      target: '<= 300',
      baseline: 'read + parse only (MB)',
      baselineValue: parseClassic.maxRssMB,
    });
    const n = await inChild<{ seconds: Record<string, number[]>; changes: Record<string, number[]> }>(
      'nightly',
      { dialect },
    );
    rows.push({
      figure: 'nightly scan, median real day',
      dialect,
      value: median(n.seconds.median),
      unit: 's',
      target: '<= 1',
      baseline: 'no-change scan (s)',
      baselineValue: median(n.seconds.empty),
      note: `changes per day: ${n.changes.median.join(', ')}`,
    });
    rows.push({
      figure: 'nightly scan, biggest day',
      dialect,
      value: median(n.seconds.biggest),
      unit: 's',
      target: '<= 3',
      note: `${n.changes.biggest[0]} changes`,
    });
    rows.push({
      figure: 'search p50, 500 queries, support + classic',
      dialect,
      value: q.p50,
      unit: 'ms',
      target: '<= 5',
      baseline: 'raw FTS p50 (ms)',
      baselineValue: q.rawP50,
    });
    rows.push({
      figure: 'search p99',
      dialect,
      value: q.p99,
      unit: 'ms',
      target: '<= 25',
      baseline: 'raw FTS p99 (ms)',
      baselineValue: q.rawP99,
    });
    rows.push({
      figure: 'search overhead over raw FTS (median)',
      dialect,
      value: q.medianRatio,
      unit: 'x',
      target: '<= 1.5',
    });
  }
  return rows;
}
