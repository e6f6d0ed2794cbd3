/** Sources, articles with their paths and revisions, changes, scans, technologies, search index. */
import type { Kysely } from 'kysely';
import { dialectOf } from '../dialect.ts';
import { sql, withId } from './helpers.ts';

export async function up(db: Kysely<any>): Promise<void> {
  const pg = dialectOf(db) === 'postgres';

  await withId(db, db.schema.createTable('sources'))
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('options', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('cursor', 'text')
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('last_scan_at', 'text')
    .addColumn('last_success_at', 'text')
    .addColumn('last_error', 'text')
    .addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await withId(db, db.schema.createTable('articles'))
    .addColumn('key', 'text', (c) => c.notNull().unique())
    .addColumn('kb', 'integer')
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('url', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('body_html', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('products', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('areas', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('keywords', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('last_reviewed', 'text')
    .addColumn('first_seen', 'text', (c) => c.notNull())
    .addColumn('last_changed', 'text', (c) => c.notNull())
    .addColumn('revision', 'text', (c) => c.notNull())
    .addColumn('revision_count', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('meta_hash', 'text', (c) => c.notNull())
    .addColumn('retired', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex('articles_kb').on('articles').column('kb').execute();
  await db.schema.createIndex('articles_last_changed').on('articles').column('last_changed').execute();

  await db.schema
    .createTable('article_paths')
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id'))
    .addColumn('current', 'integer', (c) => c.notNull().defaultTo(1))
    .addPrimaryKeyConstraint('article_paths_pk', ['source_id', 'path'])
    .execute();
  await db.schema.createIndex('article_paths_article').on('article_paths').column('article_id').execute();
  await db.schema.createIndex('article_paths_path').on('article_paths').column('path').execute();

  await withId(db, db.schema.createTable('revisions'))
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id'))
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('ref', 'text')
    .addColumn('seen_at', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('meta', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('content_hash', 'text', (c) => c.notNull())
    .addColumn('meta_hash', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('revisions_article').on('revisions').columns(['article_id', 'id']).execute();

  await withId(db, db.schema.createTable('scans'))
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('finished_at', 'text')
    .addColumn('from_ref', 'text')
    .addColumn('to_ref', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('counts', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('message', 'text')
    .execute();
  await db.schema.createIndex('scans_source').on('scans').columns(['source_id', 'id']).execute();

  await withId(db, db.schema.createTable('changes'))
    .addColumn('scan_id', 'integer', (c) => c.notNull().references('scans.id'))
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id'))
    .addColumn('revision_id', 'integer')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('previous_path', 'text')
    .addColumn('kb', 'integer')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('summary', 'text')
    .addColumn('minor', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('detected_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('changes_detected').on('changes').column('detected_at').execute();
  await db.schema.createIndex('changes_article').on('changes').column('article_id').execute();
  await db.schema.createIndex('changes_scan').on('changes').column('scan_id').execute();

  await withId(db, db.schema.createTable('scan_errors'))
    .addColumn('scan_id', 'integer', (c) => c.notNull().references('scans.id'))
    .addColumn('source_id', 'integer', (c) => c.notNull().references('sources.id'))
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('scan_errors_scan').on('scan_errors').column('scan_id').execute();

  await withId(db, db.schema.createTable('technologies'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('article_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema
    .createTable('technology_aliases')
    .addColumn('alias', 'text', (c) => c.primaryKey())
    .addColumn('technology_id', 'integer', (c) => c.notNull().references('technologies.id'))
    .execute();
  await db.schema
    .createTable('article_technologies')
    .addColumn('article_id', 'integer', (c) => c.notNull().references('articles.id'))
    .addColumn('technology_id', 'integer', (c) => c.notNull().references('technologies.id'))
    .addPrimaryKeyConstraint('article_technologies_pk', ['article_id', 'technology_id'])
    .execute();
  await db.schema
    .createIndex('article_technologies_tech')
    .on('article_technologies')
    .columns(['technology_id', 'article_id'])
    .execute();

  // Full-text index: FTS5 on SQLite (rowid = article id), a weighted tsvector on PostgreSQL.
  if (pg) {
    await sql`CREATE TABLE article_fts (
      article_id integer PRIMARY KEY REFERENCES articles(id),
      title text NOT NULL,
      description text NOT NULL,
      body text NOT NULL,
      tsv tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A') ||
        setweight(to_tsvector('english', description), 'B') ||
        setweight(to_tsvector('english', left(body, 400000)), 'C')
      ) STORED
    )`.execute(db);
    await sql`CREATE INDEX article_fts_tsv ON article_fts USING gin (tsv)`.execute(db);
  } else {
    await sql`CREATE VIRTUAL TABLE article_fts USING fts5(title, description, body, tokenize = 'porter unicode61 remove_diacritics 2')`.execute(
      db,
    );
  }
}
