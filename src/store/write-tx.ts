/**
 * A transaction that reads rows and then writes based on them, safely on both databases.
 * SQLite: `BEGIN IMMEDIATE` takes the write lock first (waiting up to busy_timeout), so no other
 * process can commit between our read and our write (a plain deferred transaction would fail
 * with SQLITE_BUSY when upgrading). PostgreSQL: an ordinary transaction; lock the rows you read
 * with `FOR UPDATE` (see `forUpdate`).
 */
import { sql, type Kysely } from 'kysely';
import { dialectOf } from './dialect.ts';
import type { Database } from './schema.ts';

export async function writeTransaction<T>(
  db: Kysely<Database>,
  fn: (tx: Kysely<Database>) => Promise<T>,
): Promise<T> {
  if (dialectOf(db) === 'postgres') return db.transaction().execute(fn);
  return db.connection().execute(async (conn) => {
    await sql`BEGIN IMMEDIATE`.execute(conn);
    try {
      const result = await fn(conn);
      await sql`COMMIT`.execute(conn);
      return result;
    } catch (err) {
      await sql`ROLLBACK`.execute(conn).catch(() => {});
      throw err;
    }
  });
}
