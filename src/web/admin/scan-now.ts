/**
 * "Scan now": starts a scan of one source in the background of this process and returns at
 * once. One scan per source at a time: a scan still running (here or, by its `running` row,
 * in another process) is not started again.
 */
import type { Context } from '../../context.ts';
import { scanAll } from '../../scan/run.ts';
import type { Source } from '../../store/schema.ts';

const running = new Map<number, Promise<void>>();

/** A `running` scan younger than this is taken to be alive. */
const RUNNING_FRESH_MS = 6 * 3600_000;

export async function scanInProgress(ctx: Context, sourceId: number): Promise<boolean> {
  if (running.has(sourceId)) return true;
  const since = new Date(ctx.now().getTime() - RUNNING_FRESH_MS).toISOString();
  const row = await ctx.store.db
    .selectFrom('scans')
    .select('id')
    .where('source_id', '=', sourceId)
    .where('status', '=', 'running')
    .where('started_at', '>=', since)
    .executeTakeFirst();
  return row !== undefined;
}

/** Starts the scan; false if one is already running. The promise of the scan itself is returned for tests. */
export async function startScan(
  ctx: Context,
  source: Source,
): Promise<{ started: boolean; done: Promise<void> }> {
  const current = running.get(source.id);
  if (current || (await scanInProgress(ctx, source.id)))
    return { started: false, done: current ?? Promise.resolve() };
  const done = scanAll(ctx, { source: source.name })
    .then((reports) => {
      for (const r of reports)
        ctx.log.info(
          `admin: scan of ${r.name}: ${r.status}, ${r.counts.new} new, ${r.counts.updated} updated, ${r.counts.errors} errors`,
        );
    })
    .catch((err: unknown) =>
      ctx.log.error(
        `admin: scan of ${source.name} failed: ${err instanceof Error ? err.message : String(err)}`,
      ),
    )
    .finally(() => running.delete(source.id));
  running.set(source.id, done);
  return { started: true, done };
}

/** Waits for every scan started here (tests, shutdown). */
export async function scansStarted(): Promise<void> {
  await Promise.all(running.values());
}
