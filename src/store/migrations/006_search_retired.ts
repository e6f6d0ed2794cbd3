/**
 * The ids of retired articles (`retired` is a 0/1 flag), small and separate from the article
 * rows, so that search can leave them out of a full-text match without reading every matching
 * article.
 */
import type { Kysely } from 'kysely';
import { sql } from './helpers.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`CREATE INDEX articles_retired ON articles (id) WHERE retired = 1`.execute(db);
}
