/**
 * Scan runs (`scans`) and the file errors they record (`scan_errors`): a run starts `running`
 * and ends `ok` or `failed` with its counts; the admin pages list the latest runs and the
 * changes they found per day.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { dialectOf } from './dialect.ts';
import { jsonObject } from './codec.ts';
import type { ChangeKind } from '../model/article.ts';
import type { Database, Scan } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

const MESSAGE_MAX = 2000;

/**
 * Starts a run of a source's scan; returns its id. The caller holds the source's scan lock
 * (store/locks.ts), so a run of the source still `running` belongs to a process that died: it is
 * closed as failed, `interrupted` (its committed batches stay; the cursor did not move).
 */
export async function beginScan(
  db: Db,
  run: { sourceId: number; fromRef: string | null; at: string },
): Promise<number> {
  await db
    .updateTable('scans')
    .set({ status: 'failed', message: 'interrupted', finished_at: run.at })
    .where('source_id', '=', run.sourceId)
    .where('status', '=', 'running')
    .execute();
  const row = await db
    .insertInto('scans')
    .values({
      source_id: run.sourceId,
      started_at: run.at,
      status: 'running',
      from_ref: run.fromRef,
      counts: '{}',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** Records files (or, with path '', the whole source) that a run could not read. */
/** Whether any scan has ever started (a fresh archive has none). */
export async function hasAnyScan(db: Db): Promise<boolean> {
  return (await db.selectFrom('scans').select('id').limit(1).executeTakeFirst()) !== undefined;
}

export async function recordScanErrors(
  db: Db,
  run: { scanId: number; sourceId: number; at: string },
  errors: readonly { path: string; message: string }[],
): Promise<void> {
  if (errors.length === 0) return;
  await db
    .insertInto('scan_errors')
    .values(
      errors.map((e) => ({
        scan_id: run.scanId,
        source_id: run.sourceId,
        path: e.path,
        message: e.message.slice(0, MESSAGE_MAX),
        at: run.at,
      })),
    )
    .execute();
}

/** How a run ended; an `ok` run may carry a message (what its planner had to work around). */
export type ScanOutcome = { at: string; counts: Record<string, number> } & (
  { status: 'ok'; toRef: string | null; message?: string } | { status: 'failed'; message: string }
);

/** Ends a run. */
export async function finishScan(db: Db, scanId: number, outcome: ScanOutcome): Promise<void> {
  const common = {
    status: outcome.status,
    finished_at: outcome.at,
    counts: JSON.stringify(outcome.counts),
    ...(outcome.message === undefined ? {} : { message: outcome.message.slice(0, MESSAGE_MAX) }),
  };
  await db
    .updateTable('scans')
    .set(outcome.status === 'ok' ? { ...common, to_ref: outcome.toRef } : common)
    .where('id', '=', scanId)
    .execute();
}

/** A run as the admin pages list it. */
export interface RecentScan {
  id: number;
  source: string;
  startedAt: string;
  finishedAt: string | null;
  status: Scan['status'];
  /** Changes by kind; null when the column cannot be read. */
  counts: Record<string, number> | null;
  message: string | null;
  toRef: string | null;
  /** Files (or the source) the run could not read. */
  errors: number;
}

/** The latest runs of every source, newest first. */
export async function recentScans(db: Db, limit = 100): Promise<RecentScan[]> {
  const rows = await db
    .selectFrom('scans as s')
    .innerJoin('sources as src', 'src.id', 's.source_id')
    .select(['s.id', 'src.name as source', 's.started_at', 's.finished_at', 's.status', 's.counts'])
    .select(['s.message', 's.to_ref'])
    .select((eb) =>
      eb
        .selectFrom('scan_errors as e')
        .whereRef('e.scan_id', '=', 's.id')
        .select((e) => e.fn.countAll<number>().as('n'))
        .as('errors'),
    )
    .orderBy('s.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    id: r.id,
    source: r.source,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    status: r.status,
    counts: jsonObject<Record<string, number>>(r.counts),
    message: r.message,
    toRef: r.to_ref,
    errors: Number(r.errors ?? 0),
  }));
}

/** How many changes of each kind were found per UTC day (YYYY-MM-DD) since `since`. */
export async function changeCountsByDay(
  db: Db,
  since: string,
): Promise<{ day: string; kind: ChangeKind; n: number }[]> {
  const rows = await sql<{ day: string; kind: ChangeKind; n: number | string }>`
    SELECT substr(detected_at, 1, 10) AS day, kind, COUNT(*) AS n
    FROM changes WHERE detected_at >= ${since} GROUP BY substr(detected_at, 1, 10), kind`.execute(db);
  return rows.rows.map((r) => ({ day: r.day, kind: r.kind, n: Number(r.n) }));
}

/**
 * After a bulk load the query planner needs fresh statistics (PostgreSQL otherwise plans on
 * guesses); SQLite's `PRAGMA optimize` does the same where it pays.
 */
export async function refreshPlannerStatistics(db: Db): Promise<void> {
  await sql.raw(dialectOf(db) === 'postgres' ? 'ANALYZE' : 'PRAGMA optimize').execute(db);
}
