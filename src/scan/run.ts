/**
 * The scan of one source, top to bottom: take the source's scan lock → plan (fetch, list what
 * changed) → read and parse → apply in batches → advance the cursor with the last batch. A
 * source that fails records its error and changes nothing; a file that fails records its error
 * and is skipped. The command line, the scheduler and the admin page all start scans here.
 */
import { join } from 'node:path';
import type { Context } from '../context.ts';
import type { HeldLease } from '../store/leases.ts';
import { LockBusyError, withScanLock } from '../store/locks.ts';
import { refreshPlannerStatistics } from '../store/scans.ts';
import type { Source } from '../store/schema.ts';
import { markSourceFailed, setSourceCursor, sourceKinds, sourceOptions } from '../store/sources.ts';
import { refreshTechnologyCounts } from '../store/technologies.ts';
import { applyGone, applySeen, type BatchScope } from './apply.ts';
import { planGitScan } from './git-plan.ts';
import type { ScanPlan } from './plan.ts';
import {
  emptyReport,
  failRun,
  finishRun,
  recordFileErrors,
  recordPlanWarnings,
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
  /** Aborted: stop after the batch being written (the next scan completes the work). */
  signal?: AbortSignal;
  /** An administrator confirmed this scan's removals: the removal guard lets them through. */
  allowRemovals?: boolean;
}

/**
 * Scans every enabled source (or the one named), one after the other. A source that fails
 * before its scan could even start is recorded as failed, and the next one is scanned.
 */
export async function scanAll(ctx: Context, opts: ScanOptions): Promise<ScanReport[]> {
  const sources = opts.source
    ? [await findSource(ctx, opts.source)]
    : (await listSources(ctx)).filter((s) => s.enabled === 1);
  const reports: ScanReport[] = [];
  for (const source of sources) {
    if (opts.signal?.aborted) break; // stopping: the next run scans the rest
    reports.push(
      await scanWithLock(ctx, source, opts).catch((err: unknown) => failedOutsideRun(ctx, source, err)),
    );
  }
  return reports;
}

/**
 * A source whose scan failed outside its run (it could not start, or its run could not be
 * recorded): the error is kept on the source, and in the report.
 */
async function failedOutsideRun(ctx: Context, source: Source, err: unknown): Promise<ScanReport> {
  const message = `scan: ${source.name} failed: ${err instanceof Error ? err.message : String(err)}`;
  ctx.log.error(message);
  await markSourceFailed(ctx.store.db, source.id, ctx.now().toISOString(), message).catch((e: unknown) =>
    ctx.log.error(`scan: ${source.name}: the failure could not be recorded: ${String(e)}`),
  );
  const report = emptyReport(source, 'failed');
  report.errors.push({ path: '', message });
  report.counts.errors++;
  return report;
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
    return await withScanLock(
      ctx.store,
      source.id,
      async (held) => {
        opts.onLocked?.();
        return (report = await scanSource(ctx, source, opts, held));
      },
      { ttlMs: ctx.config.leaseMs },
    );
  } catch (err) {
    if (report) {
      // The scan ended and was recorded; only giving the lock back failed (the database went
      // away). The lock ends with its connection or expires; the outcome stands.
      ctx.log.warn(`scan: ${source.name}: could not release the scan lock: ${(err as Error).message}`);
      return report;
    }
    if (!(err instanceof LockBusyError)) throw err;
    ctx.log.info(`scan: ${source.name}: skipped, ${err.message}`);
    return { ...emptyReport(source, 'busy'), message: err.message };
  }
}

async function scanSource(
  ctx: Context,
  source: Source,
  opts: ScanOptions,
  held: HeldLease,
): Promise<ScanReport> {
  const run = await startRun(ctx, source);
  let plan: ScanPlan;
  try {
    plan = await makePlan(ctx, source, opts.ref);
  } catch (err) {
    return failRun(ctx, run, err);
  }
  run.report.ref = plan.ref;
  await recordPlanWarnings(ctx, run, plan.warnings ?? []);
  if (plan.cursor !== null && plan.cursor === source.cursor) {
    run.report.status = 'up-to-date';
    return finishRun(ctx, run, plan.cursor);
  }
  try {
    await applyPlan(ctx, run, plan, opts, held);
  } catch (err) {
    return failRun(ctx, run, err);
  }
  await afterWrites(ctx, run.report.counts);
  return finishRun(ctx, run, plan.cursor);
}

async function makePlan(ctx: Context, source: Source, ref: string | undefined): Promise<ScanPlan> {
  const options = sourceOptions(source);
  for (const [name, value] of Object.entries(options))
    if (value !== undefined && typeof value !== 'string')
      throw new Error(
        `scan: ${source.name}: the option "${name}" must be text, not ${JSON.stringify(value)}`,
      );
  if (source.kind === 'git') {
    return planGitScan(ctx, source, options, {
      ref,
      mirrorDir: join(ctx.config.dataDir, 'git', `source-${source.id}`),
    });
  }
  if (source.kind !== 'classic')
    throw new Error(`scan: ${source.name} has an unknown kind "${String(source.kind)}" (git or classic)`);
  const { planClassicScan } = await import('./classic-plan.ts');
  return planClassicScan(ctx, source);
}

/** Every batch in its own transaction; the last one retires what is gone and moves the cursor. */
async function applyPlan(
  ctx: Context,
  run: ScanRun,
  plan: ScanPlan,
  opts: ScanOptions,
  held: HeldLease,
): Promise<void> {
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
    stopIfAsked(opts, held);
    await recordFileErrors(ctx, run, batch.errors);
    const result = await db
      .transaction()
      .execute(async (trx) => {
        await held.assertHeld(trx); // every write is fenced by the scan's lease
        return applySeen(trx, scope, batch.seen);
      })
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
  const guard = { source: run.source.name, allowRemovals: opts.allowRemovals === true };
  // The last write moves the cursor together with the removals: a crash before it repeats the scan.
  // Too many removals throw before either is written (removal-guard.ts).
  stopIfAsked(opts, held);
  await db.transaction().execute(async (trx) => {
    await held.assertHeld(trx);
    tally(run.report, await applyGone(trx, scope, gone, guard), 0);
    await setSourceCursor(trx, run.source.id, plan.cursor);
  });
}

/** A shutdown, or a lost lease, ends the scan between batches; what was written stays consistent. */
function stopIfAsked(opts: ScanOptions, held: HeldLease): void {
  if (held.signal.aborted) throw held.signal.reason;
  if (opts.signal?.aborted) throw new Error('scan: stopped by shutdown; the next scan completes it');
}

/** Technology counts follow the articles; a bulk load also refreshes the planner's statistics. */
async function afterWrites(ctx: Context, counts: ScanCounts): Promise<void> {
  const written = counts.new + counts.removed + counts.updated + counts.metadata;
  if (written > 0) await refreshTechnologyCounts(ctx.store.db);
  if (written >= 1000) await refreshPlannerStatistics(ctx.store.db);
}
