/**
 * What one scan reports (counts by kind, the changes, the file errors) and how its run is kept
 * in the store: started `running`, file errors as they come, then `ok` or `failed` on the scan
 * and on the source.
 */
import type { Context } from '../context.ts';
import type { SourceError as FileError } from '../model/article.ts';
import type { ChangeRecord } from '../model/decision.ts';
import { retryWrite, type RetryOptions } from '../store/retry.ts';
import { beginScan, finishScan, recordScanErrors } from '../store/scans.ts';
import type { Source } from '../store/schema.ts';
import { markSourceFailed, markSourceScanned } from '../store/sources.ts';

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
  /** `busy`: another scan of this source is running; nothing was done. */
  status: 'ok' | 'failed' | 'up-to-date' | 'busy';
  counts: ScanCounts;
  changes: ChangeRecord[];
  errors: FileError[];
  durationMs: number;
  /** Why the scan did not run or failed (`busy`: who holds the source's lock, since when). */
  message?: string;
}

/** A scan in progress: its source, its row in `scans`, its start and its report so far. */
export interface ScanRun {
  source: Source;
  scanId: number;
  /** The scan's time: the run's start, and every change it detects. */
  now: string;
  startedMs: number;
  report: ScanReport;
}

export function emptyReport(source: Pick<Source, 'name'>, status: ScanReport['status'] = 'ok'): ScanReport {
  return {
    name: source.name,
    ref: null,
    status,
    counts: { new: 0, updated: 0, metadata: 0, moved: 0, removed: 0, unchanged: 0, errors: 0 },
    changes: [],
    errors: [],
    durationMs: 0,
  };
}

/** Starts the run of a source's scan (the caller holds the source's scan lock). */
export async function startRun(ctx: Context, source: Source): Promise<ScanRun> {
  const startedMs = Date.now();
  const now = ctx.now().toISOString();
  const scanId = await beginScan(ctx.store.db, { sourceId: source.id, fromRef: source.cursor, at: now });
  return { source, scanId, now, startedMs, report: emptyReport(source) };
}

export function tally(report: ScanReport, changes: ChangeRecord[], unchanged: number): void {
  for (const c of changes) report.counts[c.kind]++;
  report.counts.unchanged += unchanged;
  report.changes.push(...changes);
}

/** Files that could not be read or parsed: recorded on the run and skipped. */
export async function recordFileErrors(ctx: Context, run: ScanRun, errors: FileError[]): Promise<void> {
  if (errors.length === 0) return;
  run.report.errors.push(...errors);
  run.report.counts.errors += errors.length;
  const at = ctx.now().toISOString();
  await recordScanErrors(ctx.store.db, { scanId: run.scanId, sourceId: run.source.id, at }, errors);
  for (const e of errors) ctx.log.warn(`scan: ${run.source.name}: ${e.path}: ${e.message}`);
}

/**
 * What the planner worked around (path '': the source as a whole, not a file): recorded on the
 * run as errors and as its message, though the scan goes on.
 */
export async function recordPlanWarnings(ctx: Context, run: ScanRun, warnings: string[]): Promise<void> {
  if (warnings.length === 0) return;
  const errors = warnings.map((message) => ({ path: '', message }));
  run.report.errors.push(...errors);
  run.report.counts.errors += errors.length;
  const at = ctx.now().toISOString();
  await recordScanErrors(ctx.store.db, { scanId: run.scanId, sourceId: run.source.id, at }, errors);
}

function retrying(ctx: Context, source: Source, what: string): RetryOptions {
  return {
    onRetry: (err) =>
      ctx.log.warn(
        `scan: ${source.name}: recording ${what} failed (${err instanceof Error ? err.message : String(err)}); trying again`,
      ),
  };
}

/** The source failed as a whole: the error is recorded on the run and on the source. */
export async function failRun(ctx: Context, run: ScanRun, err: unknown): Promise<ScanReport> {
  const { report, source } = run;
  const message = err instanceof Error ? err.message : String(err);
  ctx.log.error(`scan: ${source.name} failed: ${message}`);
  report.status = 'failed';
  report.errors.push({ path: '', message });
  report.counts.errors++;
  report.durationMs = Date.now() - run.startedMs;
  const at = ctx.now().toISOString();
  const db = ctx.store.db;
  // The failure may be the database going away: its record is tried again until it is back.
  const again = retrying(ctx, source, 'its failure');
  await retryWrite(
    () => recordScanErrors(db, { scanId: run.scanId, sourceId: source.id, at }, [{ path: '', message }]),
    again,
  );
  await retryWrite(
    () => finishScan(db, run.scanId, { status: 'failed', at, counts: { ...report.counts }, message }),
    again,
  );
  await retryWrite(() => markSourceFailed(db, source.id, at, message), again);
  return report;
}

/** The scan ended well (`ok` or `up-to-date`) at `cursor`. */
export async function finishRun(ctx: Context, run: ScanRun, cursor: string | null): Promise<ScanReport> {
  const { report, source } = run;
  const at = ctx.now().toISOString();
  report.durationMs = Date.now() - run.startedMs;
  const warnings = report.errors.filter((e) => e.path === '').map((e) => e.message);
  // The data and the cursor are committed: the scan's end is recorded even across a reconnect.
  const again = retrying(ctx, source, 'its end');
  const outcome = {
    status: 'ok' as const,
    at,
    toRef: cursor,
    counts: { ...report.counts },
    ...(warnings.length > 0 ? { message: warnings.join('; ') } : {}),
  };
  await retryWrite(() => finishScan(ctx.store.db, run.scanId, outcome), again);
  await retryWrite(() => markSourceScanned(ctx.store.db, source.id, at), again);
  const counts = Object.entries(report.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  ctx.log.info(
    `scan: ${source.name}: ${report.status} at ${report.ref ?? '-'}: ${counts} in ${report.durationMs} ms`,
  );
  return report;
}
