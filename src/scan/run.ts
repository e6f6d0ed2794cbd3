/**
 * The scan of one source, top to bottom: take the source's scan lock → plan (fetch, list what
 * changed) → read and parse → apply in batches → advance the cursor with the last batch. A
 * source that fails records its error and changes nothing; a file that fails records its error
 * and is skipped. The command line, the scheduler and the admin page all start scans here.
 */
import { join } from 'node:path';
import type { Context } from '../context.ts';
import { LockBusyError, withScanLock } from '../store/locks.ts';
import { refreshPlannerStatistics } from '../store/scans.ts';
import type { Source } from '../store/schema.ts';
import { setSourceCursor, sourceKinds, sourceOptions } from '../store/sources.ts';
import { refreshTechnologyCounts } from '../store/technologies.ts';
import { applyGone, applySeen, type BatchScope } from './apply.ts';
import { planGitScan } from './git-plan.ts';
import type { ScanPlan } from './plan.ts';
import {
  emptyReport,
  failRun,
  finishRun,
  recordFileErrors,
  startRun,
  tally,
  type ScanCounts,
  type ScanReport,
  type ScanRun,
} from './report.ts';
import { findSource, listSources } from './sources.ts';

export interface ScanOptions {
  source?: string;
  ref?: string;
  onProgress?: (source: string, done: number, total: number) => void;
  /** Called once the scan holds the source's lock, before it starts. */
  onLocked?: () => void;
}

/** Scans every enabled source (or the one named), one after the other. */
export async function scanAll(ctx: Context, opts: ScanOptions): Promise<ScanReport[]> {
  const sources = opts.source
    ? [await findSource(ctx, opts.source)]
    : (await listSources(ctx)).filter((s) => s.enabled === 1);
  const reports: ScanReport[] = [];
  for (const source of sources) reports.push(await scanWithLock(ctx, source, opts));
  return reports;
}

/**
 * Scans a source under its scan lock; a source another scan holds reports `busy` and is left alone.
 * A lock that cannot be given back after the scan (the database went away) does not undo its report.
 */
export async function scanWithLock(
  ctx: Context,
  source: Source,
  opts: ScanOptions = {},
): Promise<ScanReport> {
  let report: ScanReport | undefined;
  try {
    return await withScanLock(ctx.store, source.id, async () => {
      opts.onLocked?.();
      return (report = await scanSource(ctx, source, opts));
    });
  } catch (err) {
    if (report) {
      // The scan ended and was recorded; only giving the lock back failed (the database went
      // away). The lock ends with its connection or expires; the outcome stands.
      ctx.log.warn(`scan: ${source.name}: could not release the scan lock: ${(err as Error).message}`);
      return report;
    }
    if (!(err instanceof LockBusyError)) throw err;
    ctx.log.info(`scan: ${source.name}: skipped, ${err.message}`);
    return emptyReport(source, 'busy');
  }
}

async function scanSource(ctx: Context, source: Source, opts: ScanOptions): Promise<ScanReport> {
  const run = await startRun(ctx, source);
  let plan: ScanPlan;
  try {
    plan = await makePlan(ctx, source, opts.ref);
  } catch (err) {
    return failRun(ctx, run, err);
  }
  run.report.ref = plan.ref;
  if (plan.cursor !== null && plan.cursor === source.cursor) {
    run.report.status = 'up-to-date';
    return finishRun(ctx, run, plan.cursor);
  }
  try {
    await applyPlan(ctx, run, plan, opts);
  } catch (err) {
    return failRun(ctx, run, err);
  }
  await afterWrites(ctx, run.report.counts);
  return finishRun(ctx, run, plan.cursor);
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

/** Every batch in its own transaction; the last one retires what is gone and moves the cursor. */
async function applyPlan(ctx: Context, run: ScanRun, plan: ScanPlan, opts: ScanOptions): Promise<void> {
  const db = ctx.store.db;
  // Lower ranks win when one KB number is in two sources: git over classic.
  const ranks = new Map([...(await sourceKinds(db))].map(([id, kind]) => [id, kind === 'git' ? 0 : 1]));
  const scope: BatchScope = {
    sourceId: run.source.id,
    sourceRank: ranks,
    scanId: run.scanId,
    ref: plan.ref,
    now: run.now,
    leaving: plan.leaving,
  };
  let done = 0;
  for await (const batch of plan.batches) {
    await recordFileErrors(ctx, run, batch.errors);
    const result = await db
      .transaction()
      .execute((trx) => applySeen(trx, scope, batch.seen))
      .catch((err: unknown) => {
        const first = batch.seen[0]?.article.path ?? '-';
        const why = err instanceof Error ? err.message : String(err);
        throw new Error(`store: unable to apply ${batch.seen.length} articles from ${first}: ${why}`, {
          cause: err,
        });
      });
    tally(run.report, result.changes, result.unchanged);
    done += batch.seen.length + batch.errors.length;
    opts.onProgress?.(run.source.name, done, plan.total);
  }
  const gone = plan.gone();
  // The last write moves the cursor together with the removals: a crash before it repeats the scan.
  await db.transaction().execute(async (trx) => {
    tally(run.report, await applyGone(trx, scope, gone), 0);
    await setSourceCursor(trx, run.source.id, plan.cursor);
  });
}

/** Technology counts follow the articles; a bulk load also refreshes the planner's statistics. */
async function afterWrites(ctx: Context, counts: ScanCounts): Promise<void> {
  const written = counts.new + counts.removed + counts.updated + counts.metadata;
  if (written > 0) await refreshTechnologyCounts(ctx.store.db);
  if (written >= 1000) await refreshPlannerStatistics(ctx.store.db);
}
