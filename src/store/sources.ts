/**
 * The `sources` table: the sources kbwatch scans, their options (a JSON column, decoded here),
 * the cursor a scan advances, and the outcome of their last scan.
 */
import type { Kysely, Transaction } from 'kysely';
import { jsonObject } from './codec.ts';
import type { Database, Source } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface SourceOptions {
  /** Folder inside a git repository that holds the articles (`support/`), '' for all. */
  path?: string;
  branch?: string;
  /** Public URL template: `learn-support`, `learn-office`, or a string with {path} / {file}. */
  urlTemplate?: string;
}

/** The options of a source; a row with unreadable options reads as none. */
export function sourceOptions(source: Pick<Source, 'options'>): SourceOptions {
  return jsonObject<SourceOptions>(source.options) ?? {};
}

/** Every source, removed ones too, in the order they were added. */
export function listSources(db: Db): Promise<Source[]> {
  return db.selectFrom('sources').selectAll().orderBy('id').execute();
}

/** How many enabled sources of a kind there are. */
export async function countEnabledSources(db: Db, kind: Source['kind']): Promise<number> {
  const r = await db
    .selectFrom('sources')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('enabled', '=', 1)
    .where('kind', '=', kind)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

export function findSourceByName(db: Db, name: string): Promise<Source | undefined> {
  return db.selectFrom('sources').selectAll().where('name', '=', name).executeTakeFirst();
}

export function findSourceById(db: Db, id: number): Promise<Source | undefined> {
  return db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
}

export interface NewSourceRow {
  name: string;
  kind: Source['kind'];
  location: string;
  options: SourceOptions;
  createdAt: string;
}

/** Adds an enabled source that was never scanned. */
export function insertSource(db: Db, row: NewSourceRow): Promise<Source> {
  return db
    .insertInto('sources')
    .values({
      name: row.name,
      kind: row.kind,
      location: row.location,
      options: JSON.stringify(row.options),
      created_at: row.createdAt,
      enabled: 1,
      error_count: 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * Removes a source: its articles stay in the archive, retired, so history and links survive;
 * the row is disabled and renamed out of the way (`<name>~removed-<id>`) rather than deleted.
 */
export async function retireSource(db: Kysely<Database>, source: Pick<Source, 'id' | 'name'>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('articles').set({ retired: 1 }).where('source_id', '=', source.id).execute();
    await trx
      .updateTable('sources')
      .set({ enabled: 0, name: `${source.name}~removed-${source.id}` })
      .where('id', '=', source.id)
      .execute();
  });
}

/** Moves the cursor; written in the transaction of a scan's last writes. */
export async function setSourceCursor(db: Db, sourceId: number, cursor: string | null): Promise<void> {
  await db.updateTable('sources').set({ cursor }).where('id', '=', sourceId).execute();
}

/** A scan of the source succeeded: its error and error count are cleared. */
export async function markSourceScanned(db: Db, sourceId: number, at: string): Promise<void> {
  await db
    .updateTable('sources')
    .set({ last_scan_at: at, last_success_at: at, last_error: null, error_count: 0 })
    .where('id', '=', sourceId)
    .execute();
}

/** A scan of the source failed: the error is kept and the count of failures in a row grows. */
export async function markSourceFailed(db: Db, sourceId: number, at: string, message: string): Promise<void> {
  await db
    .updateTable('sources')
    .set((eb) => ({
      last_scan_at: at,
      last_error: message.slice(0, 2000),
      error_count: eb('error_count', '+', 1),
    }))
    .where('id', '=', sourceId)
    .execute();
}

/** The kind of every source, removed ones too (a KB number's article may come from any). */
export async function sourceKinds(db: Db): Promise<Map<number, Source['kind']>> {
  const rows = await db.selectFrom('sources').select(['id', 'kind']).execute();
  return new Map(rows.map((r) => [r.id, r.kind]));
}

/** How many articles of the source are live (not retired): what a scan's removals are weighed against. */
export async function countLiveArticles(db: Db, sourceId: number): Promise<number> {
  const r = await db
    .selectFrom('articles')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('source_id', '=', sourceId)
    .where('retired', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}
