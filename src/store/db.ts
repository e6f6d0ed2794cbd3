/**
 * Opens the store on SQLite (better-sqlite3, WAL) or PostgreSQL (pg) behind one Kysely API,
 * and guards the schema: the program refuses to run on a database whose migrations differ
 * from its own; `kbwatch migrate` brings it up.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import {
  CompiledQuery,
  Kysely,
  Migrator,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  type DatabaseConnection,
  type Driver,
  type Migration,
  type MigrationProvider,
} from 'kysely';
import type { Database } from './schema.ts';
import { MIGRATIONS } from './migrations/index.ts';

import { dialectOf, type Dialect } from './dialect.ts';
import { postgresPool, type StoreOptions } from './pg-pool.ts';

export { StoreConnectionError, type StoreOptions } from './pg-pool.ts';

export { dialectOf, type Dialect };

export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  url: string;
  close(): Promise<void>;
}

export class SchemaError extends Error {}

/**
 * SQLite transactions that begin IMMEDIATE: the write lock is taken at BEGIN (waiting up to
 * busy_timeout), so a transaction that reads and then writes never fails with SQLITE_BUSY
 * half-way when another process (a web and a worker on one file) writes at the same time.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: ConstructorParameters<typeof SqliteDialect>[0];
  constructor(config: ConstructorParameters<typeof SqliteDialect>[0]) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

export function openStore(url: string, options: StoreOptions = {}): Store {
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length);
    if (file !== ':memory:') mkdirSync(dirname(resolve(file)), { recursive: true });
    const database = new BetterSqlite3(file);
    database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    database.pragma('busy_timeout = 10000');
    database.pragma('foreign_keys = ON');
    database.pragma('cache_size = -64000');
    const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database }) });
    return { db, dialect: 'sqlite', url, close: () => db.destroy() };
  }
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: postgresPool(url, options) }) });
  return { db, dialect: 'postgres', url, close: () => db.destroy() };
}

const provider: MigrationProvider = {
  async getMigrations(): Promise<Record<string, Migration>> {
    return MIGRATIONS;
  },
};

function migrator(store: Store): Migrator {
  return new Migrator({
    db: store.db,
    provider,
    migrationTableName: 'schema_migrations',
    migrationLockTableName: 'schema_migrations_lock',
  });
}

/** Applies every pending migration, each in its own transaction. Returns the names applied. */
export async function migrate(store: Store): Promise<string[]> {
  const { error, results } = await migrator(store).migrateToLatest();
  if (error)
    throw new SchemaError(
      `store: migration failed: ${error instanceof Error ? error.message : String(error)}`,
    );
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Throws unless the database holds exactly this program's migrations. */
export async function checkSchema(store: Store): Promise<void> {
  const all = await migrator(store).getMigrations();
  const pending = all.filter((m) => !m.executedAt).map((m) => m.name);
  if (pending.length > 0) {
    throw new SchemaError(
      `store: the database schema is older than this program (pending: ${pending.join(', ')}); run \`kbwatch migrate\``,
    );
  }
  const known = new Set(Object.keys(MIGRATIONS));
  const applied = await store.db
    .selectFrom('schema_migrations' as any)
    .select('name' as any)
    .execute()
    .catch(() => [] as { name: string }[]);
  const unknown = applied.map((r: any) => r.name as string).filter((n) => !known.has(n));
  if (unknown.length > 0)
    throw new SchemaError(
      `store: the database has migrations this program does not know (${unknown.join(', ')}); upgrade kbwatch`,
    );
}

/** Whether the database at `url` has never been migrated (a fresh install). */
export async function isFreshDatabase(url: string, options: StoreOptions = {}): Promise<boolean> {
  const store = openStore(url, options);
  try {
    const tables = await store.db.introspection.getTables();
    return !tables.some((t) => t.name === 'schema_migrations');
  } finally {
    await store.close();
  }
}

/** Opens, migrates when asked, and checks the schema. */
export async function connect(url: string, opts: StoreOptions & { migrate?: boolean } = {}): Promise<Store> {
  const store = openStore(url, opts);
  try {
    if (opts.migrate) await migrate(store);
    await checkSchema(store);
  } catch (err) {
    await store.close();
    throw err;
  }
  return store;
}
