/**
 * Digest mail bodies in a table of their own. The outbox updates a digest row twice per mail
 * (claimed, then sent); with 10–15 KB of text and HTML in the row, SQLite rewrote every overflow
 * page of it each time. `digests.text_body` and `html_body` stay for rows written without a body
 * row; the sender prefers `digest_bodies`.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('digest_bodies')
    .addColumn('digest_id', 'integer', (c) => c.primaryKey().references('digests.id').onDelete('cascade'))
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .execute();
}
