/**
 * Writes one batch of scan decisions (model/decision.ts) in the caller's transaction: new
 * articles inserted in bulk, stored ones updated or retired, their revisions, paths and
 * `changes` rows, and the search index and technologies of every article whose text changed.
 * Seen files and gone paths go through the same writes.
 */
import type { Insertable, Kysely, Transaction } from 'kysely';
import type { ParsedArticle } from '../../model/article.ts';
import type { ChangeRecord, Decision, Fresh, Hashes } from '../../model/decision.ts';
import { technologiesOf } from '../../model/technology.ts';
import { upsertPaths, writeSearchRows, type PathRow } from '../articles.ts';
import { chunks } from '../codec.ts';
import type { ChangeTable, Database, RevisionTable } from '../schema.ts';
import { ensureTechnologies, setArticleTechnologies } from '../technologies.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Where a batch comes from: the scan, its source, the ref read and the time of the scan. */
export interface RecordScope {
  sourceId: number;
  scanId: number;
  ref: string | null;
  now: string;
}

export interface RecordedBatch {
  /** The changes written, in the order of the decisions. */
  changes: ChangeRecord[];
  /** Files that changed nothing an alert is about (unchanged, and other sources' texts attached). */
  unchanged: number;
}

/** A decision that is a change, with the id of its article (known once new articles exist). */
type Changed = Exclude<Decision, { kind: 'unchanged' | 'attach' | 'left' }> & { id: number };

/** A file no stored article was: its row is inserted, not updated. */
function isFresh(d: Decision): d is Fresh {
  return d.kind === 'new' && d.origin === 'fresh';
}

/** The columns of `articles` that hold the file's content. */
function articleFields(a: ParsedArticle) {
  return {
    kb: a.kb,
    path: a.path,
    url: a.url,
    title: a.title,
    description: a.description,
    body_html: a.bodyHtml,
    products: JSON.stringify(a.products),
    areas: JSON.stringify(a.areas),
    keywords: JSON.stringify(a.keywords),
    last_reviewed: a.lastReviewed,
  };
}

/** New articles, inserted in bulk; ids are mapped back by their unique key. */
async function insertArticles(db: Db, scope: RecordScope, fresh: Fresh[]): Promise<Map<string, number>> {
  const ids = new Map<string, number>();
  for (const part of chunks(fresh, 100)) {
    const rows = await db
      .insertInto('articles')
      .values(
        part.map((d) => ({
          key: d.key,
          source_id: scope.sourceId,
          ...articleFields(d.article),
          first_seen: scope.now,
          last_changed: scope.now,
          revision: '1.0',
          revision_count: 1,
          content_hash: d.hashes.contentHash,
          meta_hash: d.hashes.metaHash,
          retired: 0,
        })),
      )
      .returning(['id', 'key'])
      .execute();
    for (const r of rows) ids.set(r.key, r.id);
  }
  return ids;
}

/** Stored articles take the file's content (or are retired); one UPDATE each. */
async function updateArticles(db: Db, scope: RecordScope, changed: Changed[]): Promise<void> {
  for (const d of changed) {
    if (d.kind === 'removed') {
      await db
        .updateTable('articles')
        .set({ retired: 1, last_changed: scope.now })
        .where('id', '=', d.id)
        .execute();
    } else if (!isFresh(d)) {
      await db
        .updateTable('articles')
        .set({
          ...articleFields(d.article),
          source_id: scope.sourceId,
          retired: 0,
          last_changed: scope.now,
          revision: d.revision,
          revision_count: d.revisionCount,
          content_hash: d.hashes.contentHash,
          meta_hash: d.hashes.metaHash,
        })
        .where('id', '=', d.id)
        .execute();
    }
  }
}

function revisionRow(
  scope: RecordScope,
  articleId: number,
  number: string,
  a: ParsedArticle,
  hashes: Hashes,
): Insertable<RevisionTable> {
  return {
    article_id: articleId,
    source_id: scope.sourceId,
    number,
    path: a.path,
    ref: scope.ref,
    seen_at: scope.now,
    title: a.title,
    description: a.description,
    text: a.text,
    meta: JSON.stringify(a.meta),
    content_hash: hashes.contentHash,
    meta_hash: hashes.metaHash,
  };
}

/** The revision and path rows of each decision, in the order of the batch (later paths win). */
function rowsOf(scope: RecordScope, decisions: Decision[], idOf: (d: Decision) => number) {
  const revisions: Insertable<RevisionTable>[] = [];
  const paths: PathRow[] = [];
  const current = (d: Decision & { article: ParsedArticle }) =>
    paths.push({ source_id: scope.sourceId, path: d.article.path, article_id: idOf(d), current: 1 });
  for (const d of decisions) {
    if (d.kind === 'unchanged') continue;
    if (d.kind === 'removed' || d.kind === 'left') {
      paths.push({ source_id: scope.sourceId, path: d.path, article_id: d.articleId, current: 0 });
    } else if (d.kind === 'attach') {
      current(d);
      if (d.keepAs !== null) revisions.push(revisionRow(scope, d.articleId, d.keepAs, d.article, d.hashes));
    } else if (isFresh(d)) {
      current(d);
      revisions.push(revisionRow(scope, idOf(d), '1.0', d.article, d.hashes));
    } else {
      if (d.previousPath) paths.push({ ...pathOf(d.previousPath), article_id: d.articleId, current: 0 });
      current(d);
      if (d.kind !== 'moved')
        revisions.push(revisionRow(scope, d.articleId, d.revision, d.article, d.hashes));
    }
  }
  return { revisions, paths };
}

function pathOf(p: { sourceId: number; path: string }) {
  return { source_id: p.sourceId, path: p.path };
}

/** Inserts revisions; returns each article's newest revision id of the batch. */
async function insertRevisions(db: Db, rows: Insertable<RevisionTable>[]): Promise<Map<number, number>> {
  const ids = new Map<number, number>();
  for (const part of chunks(rows, 50))
    for (const r of await db.insertInto('revisions').values(part).returning(['id', 'article_id']).execute())
      ids.set(r.article_id, r.id);
  return ids;
}

/** The change a decision reports. */
function changeOf(d: Changed): ChangeRecord {
  if (d.kind === 'removed')
    return { kind: 'removed', path: d.path, previousPath: null, kb: d.kb, title: d.title, articleId: d.id };
  const previousPath = isFresh(d) ? null : (d.previousPath?.path ?? null);
  const { path, kb, title } = d.article;
  return { kind: d.kind, path, previousPath, kb, title, articleId: d.id };
}

/** The one insert of `changes` rows, for seen files and gone paths alike. */
async function insertChanges(
  db: Db,
  scope: RecordScope,
  changed: Changed[],
  revisionIds: Map<number, number>,
): Promise<void> {
  const rows = changed.map((d): Insertable<ChangeTable> => {
    const c = changeOf(d);
    const summary = d.kind === 'updated' ? d.summary : null;
    return {
      scan_id: scope.scanId,
      source_id: scope.sourceId,
      article_id: d.id,
      revision_id: d.kind === 'removed' ? null : (revisionIds.get(d.id) ?? null),
      kind: c.kind,
      path: c.path,
      previous_path: c.previousPath,
      kb: c.kb,
      title: c.title,
      summary: summary ? JSON.stringify(summary) : null,
      minor: summary?.minor ? 1 : 0,
      detected_at: scope.now,
    };
  });
  for (const part of chunks(rows, 200)) await db.insertInto('changes').values(part).execute();
}

/** Search index and technologies for everything whose text or metadata changed. */
async function indexRewritten(db: Db, changed: Changed[]): Promise<void> {
  const rewritten = changed.flatMap((d) => (d.kind === 'moved' || d.kind === 'removed' ? [] : [d]));
  const searchRow = (d: (typeof rewritten)[number]) => ({
    articleId: d.id,
    title: d.article.title,
    description: d.article.description,
    body: d.article.plainText,
  });
  await writeSearchRows(db, rewritten.filter(isFresh).map(searchRow), { fresh: true });
  await writeSearchRows(db, rewritten.filter((d) => !isFresh(d)).map(searchRow));
  const refs = new Map(rewritten.map((d) => [d.id, technologiesOf(d.article)]));
  const techIds = await ensureTechnologies(db, [...refs.values()].flat());
  const links = new Map(
    [...refs].map(([id, list]) => [id, list.flatMap((r) => techIds.get(r.slug) ?? [])] as const),
  );
  await setArticleTechnologies(db, links, !rewritten.every(isFresh));
}

/** Writes one batch of decisions; call it inside the transaction that commits the batch. */
export async function recordDecisions(
  db: Db,
  scope: RecordScope,
  decisions: Decision[],
): Promise<RecordedBatch> {
  const fresh = decisions.filter(isFresh);
  const freshIds = await insertArticles(db, scope, fresh);
  const idOf = (d: Decision): number => {
    if (!isFresh(d)) return d.articleId;
    const id = freshIds.get(d.key);
    if (id === undefined) throw new Error(`store: the new article ${d.key} was not inserted`);
    return id;
  };
  const changed = decisions.flatMap((d): Changed[] =>
    d.kind === 'unchanged' || d.kind === 'attach' || d.kind === 'left' ? [] : [{ ...d, id: idOf(d) }],
  );
  await updateArticles(db, scope, changed);
  const { revisions, paths } = rowsOf(scope, decisions, idOf);
  const revisionIds = await insertRevisions(db, revisions);
  await upsertPaths(db, paths);
  await insertChanges(db, scope, changed, revisionIds);
  await indexRewritten(db, changed);
  const unchanged = decisions.filter((d) => d.kind === 'unchanged' || d.kind === 'attach').length;
  return { changes: changed.map(changeOf), unchanged };
}
