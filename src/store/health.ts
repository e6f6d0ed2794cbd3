/** Whether the database answers: the cheapest round trip, for the health check. */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** Resolves when the database answers a trivial query; rejects with the driver's error otherwise. */
export async function ping(db: Kysely<Database>): Promise<void> {
  await sql`SELECT 1`.execute(db);
}
