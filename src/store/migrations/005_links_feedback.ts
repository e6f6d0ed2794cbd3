/**
 * Community feedback on articles: text only, moderated. `contact` is stored as given (a public
 * URL or an e-mail address) and shown only when it is an http(s) URL; `ip_hash` is a keyed hash
 * of the poster's address, kept for abuse handling, never the address itself.
 */
import type { Kysely } from 'kysely';
import { withId } from './helpers.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await withId(db, db.schema.createTable('feedback'))
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id'))
    .addColumn('user_id', 'integer', (c) => c.references('users.id').onDelete('set null'))
    .addColumn('name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('contact', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('ip_hash', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema
    .createIndex('feedback_article')
    .on('feedback')
    .columns(['article_id', 'status', 'id'])
    .execute();
  await db.schema.createIndex('feedback_status').on('feedback').columns(['status', 'id']).execute();
}
