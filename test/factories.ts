/**
 * Test factories: insert sources, technologies and articles (with their search index rows)
 * directly, with defaults for every column a test does not care about.
 */
import type { Kysely } from 'kysely';
import type { Context } from '../src/context.ts';
import type { Database } from '../src/store/schema.ts';
import { writeSearchRows } from '../src/store/articles.ts';

const NOW = '2024-01-15T08:00:00.000Z';

export async function insertSource(db: Kysely<Database>, name = 'support-docs'): Promise<number> {
  const row = await db
    .insertInto('sources')
    .values({
      name,
      kind: 'git',
      location: `https://example.org/${name}.git`,
      options: '{}',
      cursor: null,
      enabled: 1,
      last_scan_at: null,
      last_success_at: null,
      last_error: null,
      error_count: 0,
      created_at: NOW,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface TechnologyInput {
  slug: string;
  name: string;
  kind?: 'product' | 'area' | 'keyword';
  /** Besides the lowercased slug and name, which are always aliases. */
  aliases?: string[];
  /** Default 0; pages list only technologies with articles. */
  articleCount?: number;
}

export async function insertTechnology(db: Kysely<Database>, t: TechnologyInput): Promise<number> {
  const row = await db
    .insertInto('technologies')
    .values({ slug: t.slug, name: t.name, kind: t.kind ?? 'product', article_count: t.articleCount ?? 0 })
    .returning('id')
    .executeTakeFirstOrThrow();
  const aliases = new Set([t.slug, t.name, ...(t.aliases ?? [])].map((a) => a.toLowerCase()));
  await db
    .insertInto('technology_aliases')
    .values([...aliases].map((alias) => ({ alias, technology_id: row.id })))
    .execute();
  return row.id;
}

/** Technologies with one article each, for subscription tests. */
export async function seedTechnologies(t: { ctx: Context }, techs: TechnologyInput[]): Promise<void> {
  for (const tech of techs) await insertTechnology(t.ctx.store.db, { articleCount: 1, ...tech });
}

export interface ArticleInput {
  sourceId: number;
  title: string;
  description?: string;
  body?: string;
  kb?: number | null;
  path?: string;
  products?: string[];
  areas?: string[];
  keywords?: string[];
  /** Technology ids. */
  technologies?: number[];
  lastChanged?: string;
  lastReviewed?: string | null;
  retired?: boolean;
}

let counter = 0;

/** Writes an article's searchable text, as a scan does in the transaction that stores the article. */
export async function searchIndexUpsert(
  db: Kysely<Database>,
  articleId: number,
  doc: { title: string; description: string; body: string },
): Promise<void> {
  await writeSearchRows(db, [{ articleId, ...doc }]);
}

/** Inserts an article, its technology links and its search index row; returns its id. */
export async function insertArticle(db: Kysely<Database>, a: ArticleInput): Promise<number> {
  counter++;
  const path = a.path ?? `support/test/article-${counter}.md`;
  const row = await db
    .insertInto('articles')
    .values({
      key: a.kb ? `kb:${a.kb}` : `${a.sourceId}:${path}`,
      kb: a.kb ?? null,
      source_id: a.sourceId,
      path,
      url: `https://learn.example.org/${path.replace(/\.md$/, '')}`,
      title: a.title,
      description: a.description ?? '',
      body_html: `<p>${a.body ?? ''}</p>`,
      products: JSON.stringify(a.products ?? []),
      areas: JSON.stringify(a.areas ?? []),
      keywords: JSON.stringify(a.keywords ?? []),
      last_reviewed: a.lastReviewed ?? null,
      first_seen: a.lastChanged ?? NOW,
      last_changed: a.lastChanged ?? NOW,
      revision: '1.0',
      revision_count: 1,
      content_hash: `content-${counter}`,
      meta_hash: `meta-${counter}`,
      retired: a.retired ? 1 : 0,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  for (const technologyId of a.technologies ?? []) {
    await db
      .insertInto('article_technologies')
      .values({ article_id: row.id, technology_id: technologyId })
      .execute();
  }
  await searchIndexUpsert(db, row.id, {
    title: a.title,
    description: a.description ?? '',
    body: a.body ?? '',
  });
  return row.id;
}
