/** Reading articles for pages, the API and the CLI: by KB number, by path or old path. */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

export async function findArticleByKb(db: Kysely<Database>, kb: number) {
  // A live article wins over a retired one with the same number.
  return db
    .selectFrom('articles')
    .selectAll()
    .where('kb', '=', kb)
    .orderBy('retired')
    .orderBy('id')
    .executeTakeFirst();
}

/** By current or old path (any source); `current` says whether the path is the article's own. */
export async function findArticleByPath(db: Kysely<Database>, path: string) {
  const row = await db
    .selectFrom('article_paths as ap')
    .innerJoin('articles as a', 'a.id', 'ap.article_id')
    .selectAll('a')
    .select('ap.current as path_current')
    .where('ap.path', '=', path.replace(/^\/+/, ''))
    .orderBy('ap.current', 'desc')
    .executeTakeFirst();
  return row;
}

export async function findArticleById(db: Kysely<Database>, id: number) {
  return db.selectFrom('articles').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function revisionsOf(db: Kysely<Database>, articleId: number) {
  return db
    .selectFrom('revisions')
    .innerJoin('sources', 'sources.id', 'revisions.source_id')
    .select([
      'revisions.id',
      'revisions.number',
      'revisions.path',
      'revisions.ref',
      'revisions.seen_at',
      'revisions.title',
      'sources.name as source',
      'sources.kind as source_kind',
    ])
    .where('revisions.article_id', '=', articleId)
    .orderBy('revisions.id')
    .execute();
}

export async function revisionText(db: Kysely<Database>, articleId: number, revisionId: number) {
  return db
    .selectFrom('revisions')
    .selectAll()
    .where('article_id', '=', articleId)
    .where('id', '=', revisionId)
    .executeTakeFirst();
}

export async function pathsOf(db: Kysely<Database>, articleId: number) {
  return db
    .selectFrom('article_paths')
    .innerJoin('sources', 'sources.id', 'article_paths.source_id')
    .select(['article_paths.path', 'article_paths.current', 'sources.name as source'])
    .where('article_id', '=', articleId)
    .execute();
}

export async function technologiesOfArticle(db: Kysely<Database>, articleId: number) {
  return db
    .selectFrom('article_technologies')
    .innerJoin('technologies', 'technologies.id', 'article_technologies.technology_id')
    .select(['technologies.slug', 'technologies.name', 'technologies.kind'])
    .where('article_technologies.article_id', '=', articleId)
    .orderBy('technologies.kind')
    .orderBy('technologies.name')
    .execute();
}

export async function changesSince(
  db: Kysely<Database>,
  since: string,
  opts: { kinds?: string[]; limit?: number } = {},
) {
  let q = db
    .selectFrom('changes')
    .innerJoin('sources', 'sources.id', 'changes.source_id')
    .selectAll('changes')
    .select('sources.name as source')
    .where('changes.detected_at', '>=', since);
  if (opts.kinds?.length) q = q.where('changes.kind', 'in', opts.kinds as any);
  return q
    .orderBy('changes.id')
    .limit(opts.limit ?? 10_000)
    .execute();
}
