/**
 * Leases that cannot lie. `leases` holds every named lock (a source's scan, a job's run) as a row
 * with owner, token and expiry, renewed by a heartbeat, the same way on both databases;
 * `job_ticks` lets one process claim each cron tick; digests carry the token of the claim that
 * sends them, so every outbox write is fenced by it, and count the sends whose outcome was
 * unknown (the connection dropped before the server's reply).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('digests').addColumn('lease_token', 'text').execute();
  await db.schema
    .alterTable('digests')
    .addColumn('ambiguous', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('token', 'text', (c) => c.notNull())
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .addColumn('heartbeat_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('job_ticks')
    .addColumn('job', 'text', (c) => c.notNull())
    .addColumn('tick', 'text', (c) => c.notNull())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('job_ticks_pk', ['job', 'tick'])
    .execute();
}
