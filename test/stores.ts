/**
 * Runs store tests once per database, like kysely's dialect loop: a fresh SQLite file and a
 * fresh PostgreSQL database per store, dropped afterwards. PostgreSQL is skipped with a visible
 * reason when it is not reachable, never when CI=true.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { connect, type Dialect, type Store } from '../src/store/db.ts';

export const PG_ADMIN_URL = process.env.KBWATCH_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
export const DIALECTS: Dialect[] = ['sqlite', 'postgres'];

let pgAvailable: Promise<boolean> | undefined;
export function postgresAvailable(): Promise<boolean> {
  pgAvailable ??= (async () => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 15000 });
    try {
      await client.connect();
      await client.query('SELECT 1');
      return true;
    } catch {
      if (process.env.CI === 'true')
        throw new Error(`PostgreSQL is not reachable at ${PG_ADMIN_URL} and CI=true`);
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  })();
  return pgAvailable;
}

/** Why a dialect's tests are skipped, or false to run them. */
export async function skipReason(dialect: Dialect): Promise<string | false> {
  if (dialect === 'postgres' && !(await postgresAvailable()))
    return `PostgreSQL not reachable at ${PG_ADMIN_URL}`;
  return false;
}

export interface TestDatabase {
  url: string;
  dialect: Dialect;
  drop(): Promise<void>;
}

/** A new empty database of the given dialect (no schema). */
export async function createDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'kbwatch-test-'));
    return {
      url: `sqlite:${join(dir, 'kbwatch.db')}`,
      dialect,
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const name = `kbwatch_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    dialect,
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

/** A migrated store on a new database; `close()` also drops it. */
export async function createStore(dialect: Dialect): Promise<Store & { testDb: TestDatabase }> {
  const testDb = await createDatabase(dialect);
  const store = await connect(testDb.url, { migrate: true });
  return {
    ...store,
    testDb,
    close: async () => {
      await store.close();
      await testDb.drop();
    },
  };
}
