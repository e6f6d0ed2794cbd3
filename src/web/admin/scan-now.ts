/**
 * "Scan now": starts a scan of one source in the background of this process and returns once
 * the scan holds the source's scan lock (store/locks.ts), the one guard every scan goes through.
 * A source whose lock is held (a scan here, in the scheduler or in another process) is not
 * scanned again.
 */
import type { Context } from '../../context.ts';
import { scanWithLock, type ScanOptions } from '../../scan/run.ts';
import { isScanLocked } from '../../store/locks.ts';
import type { Source } from '../../store/schema.ts';

/** Scans started here and not yet ended, for `scansStarted`. */
const started = new Set<Promise<void>>();

export function scanInProgress(ctx: Context, sourceId: number): Promise<boolean> {
  return isScanLocked(ctx.store, sourceId);
}

/**
 * Starts the scan (its removals allowed when an administrator confirmed them); false if one is
 * already running. The promise of the scan itself is returned for tests.
 */
export async function startScan(
  ctx: Context,
  source: Source,
  opts: Pick<ScanOptions, 'allowRemovals'> = {},
): Promise<{ started: boolean; done: Promise<void> }> {
  const locked: { resolve?: (held: boolean) => void } = {};
  const holdsLock = new Promise<boolean>((resolve) => (locked.resolve = resolve));
  const done = scanWithLock(ctx, source, { ...opts, onLocked: () => locked.resolve?.(true) })
    .then((r) =>
      ctx.log.info(
        `admin: scan of ${r.name}: ${r.status}, ${r.counts.new} new, ${r.counts.updated} updated, ${r.counts.errors} errors`,
      ),
    )
    .catch((err: unknown) =>
      ctx.log.error(
        `admin: scan of ${source.name} failed: ${err instanceof Error ? err.message : String(err)}`,
      ),
    )
    .finally(() => {
      locked.resolve?.(false);
      started.delete(done);
    });
  started.add(done);
  return { started: await holdsLock, done };
}

/** Waits for every scan started here (tests, shutdown). */
export async function scansStarted(): Promise<void> {
  await Promise.all(started.values());
}
