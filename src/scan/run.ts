/**
 * The scan of one source, top to bottom: fetch → list what changed → read and parse →
 * apply in batches → advance the cursor with the last batch. A source that fails records
 * its error and changes nothing; a file that fails records its error and is skipped.
 */
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Context } from '../context.ts';
import type { SourceError as FileError } from '../model/article.ts';
import type { Source } from '../store/schema.ts';
import { refreshTechnologyCounts } from '../store/technologies.ts';
import { applyGone, applySeen, type BatchContext, type ChangeRecord, type Seen } from './apply.ts';
import { JobBusyError, withJobLock } from '../jobs/lock.ts';
import { listSources, findSource, sourceOptions } from './sources.ts';
import { planGitScan } from './git-plan.ts';

export interface ScanCounts {
  new: number;
  updated: number;
  metadata: number;
  moved: number;
  removed: number;
  unchanged: number;
  errors: number;
}

export interface ScanReport {
  name: string;
  ref: string | null;
  /** `busy`: another process is scanning this source; nothing was done. */
  status: 'ok' | 'failed' | 'up-to-date' | 'busy';
  counts: ScanCounts;
  changes: ChangeRecord[];
  errors: FileError[];
  durationMs: number;
}

export interface ScanOptions {
  source?: string;
  ref?: string;
  onProgress?: (source: string, done: number, total: number) => void;
  batchSize?: number;
}

/**
 * What a source adapter plans for one scan: the target ref, the files seen (parsed lazily in
 * batches) and the paths gone. `seen` yields batches so memory stays flat on big sources.
 */
export interface ScanPlan {
  ref: string | null;
  cursor: string | null;
  total: number;
  batches: AsyncIterable<{ seen: Seen[]; errors: FileError[] }>;
  /** Paths deleted or renamed away; resolved after every file is read for full scans. */
  gone(): string[];
  leaving: Set<string>;
}

const emptyCounts = (): ScanCounts => ({
  new: 0,
  updated: 0,
  metadata: 0,
  moved: 0,
  removed: 0,
  unchanged: 0,
  errors: 0,
});

export async function scanAll(ctx: Context, opts: ScanOptions): Promise<ScanReport[]> {
  const sources = opts.source
    ? [await findSource(ctx, opts.source)]
    : (await listSources(ctx)).filter((s) => s.enabled === 1);
  const reports: ScanReport[] = [];
  for (const source of sources) {
    try {
      reports.push(await withJobLock(ctx, `scan-source-${source.id}`, () => scanSource(ctx, source, opts)));
    } catch (err) {
      if (!(err instanceof JobBusyError)) throw err;
      ctx.log.info(`scan: ${source.name}: skipped, ${err.message}`);
      reports.push({
        name: source.name,
        ref: null,
        status: 'busy',
        counts: emptyCounts(),
        changes: [],
        errors: [],
        durationMs: 0,
      });
    }
  }
  return reports;
}

export async function scanSource(ctx: Context, source: Source, opts: ScanOptions = {}): Promise<ScanReport> {
  const started = Date.now();
  const db = ctx.store.db;
  const now = ctx.now().toISOString();
  const report: ScanReport = {
    name: source.name,
    ref: null,
    status: 'ok',
    counts: emptyCounts(),
    changes: [],
    errors: [],
    durationMs: 0,
  };
  // A scan left `running` by a killed process is over; its committed batches stay and the cursor did not move.
  await db
    .updateTable('scans')
    .set({ status: 'failed', message: 'interrupted', finished_at: now })
    .where('source_id', '=', source.id)
    .where('status', '=', 'running')
    .execute();
  const scan = await db
    .insertInto('scans')
    .values({
      source_id: source.id,
      started_at: now,
      status: 'running',
      from_ref: source.cursor,
      counts: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  let plan: ScanPlan;
  try {
    plan = await makePlan(ctx, source, opts.ref);
  } catch (err) {
    return failSource(ctx, source, scan.id, report, err, started);
  }
  report.ref = plan.ref;
  if (plan.cursor !== null && plan.cursor === source.cursor) {
    report.status = 'up-to-date';
    await finish(ctx, source, scan.id, report, plan.cursor, started);
    return report;
  }

  const bctx: BatchContext = {
    sourceId: source.id,
    sourceRank: await sourceRanks(ctx),
    scanId: scan.id,
    ref: plan.ref,
    now,
    leaving: plan.leaving,
  };
  let done = 0;
  try {
    for await (const batch of plan.batches) {
      await recordErrors(ctx, source, scan.id, report, batch.errors);
      const result = await db
        .transaction()
        .execute((trx) => applySeen(trx, bctx, batch.seen))
        .catch((err: unknown) => {
          const first = batch.seen[0]?.article.path ?? '-';
          throw new Error(
            `store: unable to apply ${batch.seen.length} articles from ${first}: ${err instanceof Error ? err.message : String(err)}`,
            { cause: err },
          );
        });
      tally(report, result.changes, result.unchanged);
      done += batch.seen.length + batch.errors.length;
      opts.onProgress?.(source.name, done, plan.total);
    }
    const gone = plan.gone();
    // The last write moves the cursor together with the removals: a crash before it repeats the scan.
    await db.transaction().execute(async (trx) => {
      const removed = await applyGone(trx, bctx, gone);
      tally(report, removed, 0);
      await trx.updateTable('sources').set({ cursor: plan.cursor }).where('id', '=', source.id).execute();
    });
  } catch (err) {
    return failSource(ctx, source, scan.id, report, err, started);
  }
  const written = report.counts.new + report.counts.removed + report.counts.updated + report.counts.metadata;
  if (written > 0) await refreshTechnologyCounts(db);
  // After a bulk load the query planner needs fresh statistics (PostgreSQL otherwise plans on guesses).
  if (written >= 1000)
    await sql.raw(ctx.store.dialect === 'postgres' ? 'ANALYZE' : 'PRAGMA optimize').execute(db);
  await finish(ctx, source, scan.id, report, plan.cursor, started);
  return report;
}

async function makePlan(ctx: Context, source: Source, ref: string | undefined): Promise<ScanPlan> {
  const options = sourceOptions(source);
  if (source.kind === 'git') {
    return planGitScan(ctx, source, options, {
      ref,
      mirrorDir: join(ctx.config.dataDir, 'git', `source-${source.id}`),
    });
  }
  const { planClassicScan } = await import('./classic-plan.ts');
  return planClassicScan(ctx, source);
}

async function sourceRanks(ctx: Context): Promise<Map<number, number>> {
  const rows = await ctx.store.db.selectFrom('sources').select(['id', 'kind']).execute();
  return new Map(rows.map((r) => [r.id, r.kind === 'git' ? 0 : 1]));
}

function tally(report: ScanReport, changes: ChangeRecord[], unchanged: number): void {
  for (const c of changes) report.counts[c.kind]++;
  report.counts.unchanged += unchanged;
  report.changes.push(...changes);
}

async function recordErrors(
  ctx: Context,
  source: Source,
  scanId: number,
  report: ScanReport,
  errors: FileError[],
): Promise<void> {
  if (errors.length === 0) return;
  report.errors.push(...errors);
  report.counts.errors += errors.length;
  const at = ctx.now().toISOString();
  await ctx.store.db
    .insertInto('scan_errors')
    .values(
      errors.map((e) => ({
        scan_id: scanId,
        source_id: source.id,
        path: e.path,
        message: e.message.slice(0, 2000),
        at,
      })),
    )
    .execute();
  for (const e of errors) ctx.log.warn(`scan: ${source.name}: ${e.path}: ${e.message}`);
}

async function failSource(
  ctx: Context,
  source: Source,
  scanId: number,
  report: ScanReport,
  err: unknown,
  started: number,
): Promise<ScanReport> {
  const message = err instanceof Error ? err.message : String(err);
  ctx.log.error(`scan: ${source.name} failed: ${message}`);
  report.status = 'failed';
  report.errors.push({ path: '', message });
  report.counts.errors++;
  report.durationMs = Date.now() - started;
  const at = ctx.now().toISOString();
  await ctx.store.db
    .insertInto('scan_errors')
    .values({ scan_id: scanId, source_id: source.id, path: '', message: message.slice(0, 2000), at })
    .execute();
  await ctx.store.db
    .updateTable('scans')
    .set({
      status: 'failed',
      finished_at: at,
      counts: JSON.stringify(report.counts),
      message: message.slice(0, 2000),
    })
    .where('id', '=', scanId)
    .execute();
  await ctx.store.db
    .updateTable('sources')
    .set((eb) => ({
      last_scan_at: at,
      last_error: message.slice(0, 2000),
      error_count: eb('error_count', '+', 1),
    }))
    .where('id', '=', source.id)
    .execute();
  return report;
}

async function finish(
  ctx: Context,
  source: Source,
  scanId: number,
  report: ScanReport,
  cursor: string | null,
  started: number,
): Promise<void> {
  const at = ctx.now().toISOString();
  report.durationMs = Date.now() - started;
  await ctx.store.db
    .updateTable('scans')
    .set({ status: 'ok', finished_at: at, to_ref: cursor, counts: JSON.stringify(report.counts) })
    .where('id', '=', scanId)
    .execute();
  await ctx.store.db
    .updateTable('sources')
    .set({ last_scan_at: at, last_success_at: at, last_error: null, error_count: 0 })
    .where('id', '=', source.id)
    .execute();
  ctx.log.info(
    `scan: ${source.name}: ${report.status} at ${report.ref ?? '-'}: ${Object.entries(report.counts)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')} in ${report.durationMs} ms`,
  );
}
