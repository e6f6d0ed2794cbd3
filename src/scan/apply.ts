/**
 * Applies what a scan saw to the store, one batch per transaction. Classification compares
 * with the stored state (not with git's status letters), so applying a batch twice changes
 * nothing the second time: a scan killed half-way is completed by the next one.
 */
import type { Insertable, Transaction } from 'kysely';
import type { ChangeKind, ParsedArticle } from '../model/article.ts';
import { classify, contentHash, metaHash, nextRevision } from '../model/change.ts';
import { technologiesOf } from '../model/technology.ts';
import {
  articlesByKb,
  articlesByPath,
  latestRevisionTexts,
  upsertPaths,
  writeSearchRows,
  type StoredArticle,
} from '../store/articles.ts';
import type { Database, RevisionTable } from '../store/schema.ts';
import { chunks } from '../store/codec.ts';
import { ensureTechnologies, setArticleTechnologies } from '../store/technologies.ts';
import { summarizeChange } from './summary.ts';

export interface Seen {
  article: ParsedArticle;
  /** The path git says this file had before (a rename). */
  previousPath?: string;
}

export interface ChangeRecord {
  kind: ChangeKind;
  path: string;
  previousPath: string | null;
  kb: number | null;
  title: string;
  articleId: number;
}

export interface BatchContext {
  sourceId: number;
  /** Lower ranks win when one KB number is in two sources (git 0, classic 1). */
  sourceRank: Map<number, number>;
  scanId: number;
  ref: string | null;
  now: string;
  /** Paths deleted or renamed away in this scan: a KB number leaving one of them is a move. */
  leaving: Set<string>;
}

interface Decision {
  seen: Seen;
  kind: ChangeKind | 'unchanged' | 'attach';
  existing?: StoredArticle;
  /** Set once a new article row exists. */
  articleId?: number;
  key?: string;
  contentHash: string;
  metaHash: string;
  previousPath: string | null;
}

/**
 * Finds the stored article this file is: its own path (or the path git says it came from) when
 * that article has the same KB number, else the KB number, else the path. An article is claimed
 * by at most one file of a batch.
 */
function identify(
  seen: Seen,
  ctx: BatchContext,
  byKb: Map<number, StoredArticle[]>,
  byPath: Map<string, StoredArticle>,
  claimed: Set<number>,
) {
  const { article, previousPath } = seen;
  const free = (a: StoredArticle | undefined) => (a && !claimed.has(a.id) ? a : undefined);
  const alias = free((previousPath && byPath.get(previousPath)) || byPath.get(article.path));
  const ownAlias = alias && alias.source_id === ctx.sourceId ? alias : undefined;
  if (ownAlias && (ownAlias.kb === article.kb || ownAlias.kb === null || article.kb === null))
    return { existing: ownAlias, takeover: false };
  let duplicateKb = false;
  if (article.kb !== null) {
    const candidates = (byKb.get(article.kb) ?? []).filter((c) => !claimed.has(c.id));
    const same = candidates.find((c) => c.source_id === ctx.sourceId);
    if (same) {
      const moving =
        same.path === article.path ||
        same.retired === 1 ||
        same.path === previousPath ||
        ctx.leaving.has(same.path);
      if (moving) return { existing: same, takeover: false };
      duplicateKb = true; // two live files claim one KB number: the second keeps its path identity
    } else if (candidates.length > 0) {
      const other = candidates[0];
      const rank = (id: number) => ctx.sourceRank.get(id) ?? 9;
      if (rank(ctx.sourceId) < rank(other.source_id)) return { existing: other, takeover: true };
      return { existing: other, attach: true };
    } else if ((byKb.get(article.kb) ?? []).length > 0) duplicateKb = true;
  }
  if (ownAlias) return { existing: ownAlias, takeover: false };
  return { existing: undefined, duplicateKb };
}

function decide(
  seen: Seen,
  ctx: BatchContext,
  byKb: Map<number, StoredArticle[]>,
  byPath: Map<string, StoredArticle>,
  claimed: Set<number>,
): Decision {
  const { article } = seen;
  const hashes = { contentHash: contentHash(article), metaHash: metaHash(article) };
  const found = identify(seen, ctx, byKb, byPath, claimed);
  if (found.existing && !('attach' in found)) claimed.add(found.existing.id);
  const existing = found.existing;
  if ('attach' in found && found.attach)
    return { seen, kind: 'attach', existing, ...hashes, previousPath: null };
  if (!existing) {
    const key =
      article.kb !== null && !found.duplicateKb && !byKb.has(article.kb)
        ? `kb:${article.kb}`
        : `${ctx.sourceId}:${article.path}`;
    return { seen, kind: 'new', key, ...hashes, previousPath: null };
  }
  const previousPath = existing.path !== article.path ? existing.path : null;
  if (found.takeover || existing.retired === 1)
    return { seen, kind: 'new', existing, ...hashes, previousPath };
  const kind = classify(
    { contentHash: existing.content_hash, metaHash: existing.meta_hash, path: existing.path },
    { ...hashes, path: article.path },
  );
  return { seen, kind, existing, ...hashes, previousPath };
}

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

export async function applySeen(
  trx: Transaction<Database>,
  ctx: BatchContext,
  batch: Seen[],
): Promise<{ changes: ChangeRecord[]; unchanged: number }> {
  const kbs = batch.map((s) => s.article.kb).filter((k): k is number => k !== null);
  const byKb = new Map<number, StoredArticle[]>();
  for (const a of await articlesByKb(trx, kbs)) byKb.set(a.kb!, [...(byKb.get(a.kb!) ?? []), a]);
  const byPath = await articlesByPath(
    trx,
    ctx.sourceId,
    batch.flatMap((s) => (s.previousPath ? [s.article.path, s.previousPath] : [s.article.path])),
  );

  const decisions: Decision[] = [];
  const claimed = new Set<number>();
  for (const seen of batch) {
    const d = decide(seen, ctx, byKb, byPath, claimed);
    decisions.push(d);
    if (d.kind === 'new' && !d.existing && seen.article.kb !== null && d.key === `kb:${seen.article.kb}`) {
      // Later files of this batch with the same KB number are duplicates, not moves.
      const placeholder = {
        id: -1,
        key: d.key,
        kb: seen.article.kb,
        source_id: ctx.sourceId,
        path: seen.article.path,
        retired: 0,
      } as StoredArticle;
      byKb.set(seen.article.kb, [placeholder]);
    }
  }

  // New articles, inserted in bulk; ids are mapped back by their unique key.
  const fresh = decisions.filter((d) => d.kind === 'new' && !d.existing);
  for (const part of chunks(fresh, 100)) {
    const rows = await trx
      .insertInto('articles')
      .values(
        part.map((d) => ({
          key: d.key!,
          source_id: ctx.sourceId,
          ...articleFields(d.seen.article),
          first_seen: ctx.now,
          last_changed: ctx.now,
          revision: '1.0',
          revision_count: 1,
          content_hash: d.contentHash,
          meta_hash: d.metaHash,
          retired: 0,
        })),
      )
      .returning(['id', 'key'])
      .execute();
    const ids = new Map(rows.map((r) => [r.key, r.id]));
    for (const d of part) d.articleId = ids.get(d.key!)!;
  }

  // Old texts for change summaries.
  const updatedIds = decisions.filter((d) => d.kind === 'updated').map((d) => d.existing!.id);
  const oldTexts = updatedIds.length ? await latestRevisionTexts(trx, updatedIds) : new Map<number, string>();

  const revisions: Insertable<RevisionTable>[] = [];
  const changeRows: { d: Decision; summary: string | null; minor: number }[] = [];
  const paths: { source_id: number; path: string; article_id: number; current: number }[] = [];
  let unchanged = 0;

  for (const d of decisions) {
    const a = d.seen.article;
    if (d.kind === 'unchanged') {
      unchanged++;
      continue;
    }
    if (d.kind === 'attach') {
      // The text of another source for the same KB number: kept as a revision, no alert.
      const ex = d.existing!;
      paths.push({ source_id: ctx.sourceId, path: a.path, article_id: ex.id, current: 1 });
      if (!byPath.has(a.path) || byPath.get(a.path)!.content_hash !== d.contentHash) {
        revisions.push(revisionRow(ex.id, ctx, a, ex.revision, d));
      }
      unchanged++;
      continue;
    }
    const articleId = d.articleId ?? d.existing!.id;
    d.articleId = articleId;
    let revision = '1.0';
    if (d.existing) {
      const ex = d.existing;
      revision = d.kind === 'new' ? nextRevision(ex.revision, 'updated') : nextRevision(ex.revision, d.kind);
      const contentChanged = d.kind !== 'moved';
      await trx
        .updateTable('articles')
        .set({
          ...articleFields(a),
          source_id: ctx.sourceId,
          retired: 0,
          last_changed: ctx.now,
          revision,
          revision_count: contentChanged ? ex.revision_count + 1 : ex.revision_count,
          content_hash: d.contentHash,
          meta_hash: d.metaHash,
        })
        .where('id', '=', ex.id)
        .execute();
      if (d.previousPath)
        paths.push({ source_id: ex.source_id, path: d.previousPath, article_id: ex.id, current: 0 });
    }
    paths.push({ source_id: ctx.sourceId, path: a.path, article_id: articleId, current: 1 });
    if (d.kind !== 'moved') revisions.push(revisionRow(articleId, ctx, a, revision, d));
    let summary: string | null = null;
    let minor = 0;
    if (d.kind === 'updated') {
      const s = summarizeChange(oldTexts.get(articleId) ?? '', a.text);
      summary = JSON.stringify(s);
      minor = s.minor ? 1 : 0;
    }
    changeRows.push({ d, summary, minor });
  }

  const revisionIds = new Map<number, number>();
  for (const part of chunks(revisions, 50)) {
    for (const r of await trx.insertInto('revisions').values(part).returning(['id', 'article_id']).execute())
      revisionIds.set(r.article_id, r.id);
  }
  await upsertPaths(trx, paths);

  for (const part of chunks(changeRows, 200)) {
    await trx
      .insertInto('changes')
      .values(
        part.map(({ d, summary, minor }) => ({
          scan_id: ctx.scanId,
          source_id: ctx.sourceId,
          article_id: d.articleId!,
          revision_id: revisionIds.get(d.articleId!) ?? null,
          kind: d.kind as ChangeKind,
          path: d.seen.article.path,
          previous_path: d.previousPath,
          kb: d.seen.article.kb,
          title: d.seen.article.title,
          summary,
          minor,
          detected_at: ctx.now,
        })),
      )
      .execute();
  }

  // Search index and technologies for everything whose text or metadata changed.
  const rewritten = changeRows.map((c) => c.d).filter((d) => d.kind !== 'moved');
  const searchRow = (d: Decision) => ({
    articleId: d.articleId!,
    title: d.seen.article.title,
    description: d.seen.article.description,
    body: d.seen.article.plainText,
  });
  await writeSearchRows(trx, rewritten.filter((d) => !d.existing).map(searchRow), { fresh: true });
  await writeSearchRows(trx, rewritten.filter((d) => d.existing).map(searchRow));
  const techRefs = new Map(rewritten.map((d) => [d.articleId!, technologiesOf(d.seen.article)]));
  const techIds = await ensureTechnologies(trx, [...techRefs.values()].flat());
  await setArticleTechnologies(
    trx,
    new Map([...techRefs].map(([id, refs]) => [id, refs.map((r) => techIds.get(r.slug)!)])),
    rewritten.some((d) => d.existing),
  );

  const changes = changeRows.map(({ d }) => ({
    kind: d.kind as ChangeKind,
    path: d.seen.article.path,
    previousPath: d.previousPath,
    kb: d.seen.article.kb,
    title: d.seen.article.title,
    articleId: d.articleId!,
  }));
  return { changes, unchanged };
}

function revisionRow(
  articleId: number,
  ctx: BatchContext,
  a: ParsedArticle,
  number: string,
  d: Decision,
): Insertable<RevisionTable> {
  return {
    article_id: articleId,
    source_id: ctx.sourceId,
    number,
    path: a.path,
    ref: ctx.ref,
    seen_at: ctx.now,
    title: a.title,
    description: a.description,
    text: a.text,
    meta: JSON.stringify(a.meta),
    content_hash: d.contentHash,
    meta_hash: d.metaHash,
  };
}

/** Paths gone from the source: their articles are retired (kept, never deleted). */
export async function applyGone(
  trx: Transaction<Database>,
  ctx: BatchContext,
  gonePaths: string[],
): Promise<ChangeRecord[]> {
  const byPath = await articlesByPath(trx, ctx.sourceId, gonePaths);
  const out: ChangeRecord[] = [];
  const aliasOff: { source_id: number; path: string; article_id: number; current: number }[] = [];
  for (const path of gonePaths) {
    const a = byPath.get(path);
    if (!a) continue;
    aliasOff.push({ source_id: ctx.sourceId, path, article_id: a.id, current: 0 });
    if (a.path !== path || a.retired === 1 || a.source_id !== ctx.sourceId) continue; // moved away in this scan, or already gone
    await trx
      .updateTable('articles')
      .set({ retired: 1, last_changed: ctx.now })
      .where('id', '=', a.id)
      .execute();
    out.push({ kind: 'removed', path, previousPath: null, kb: a.kb, title: a.title, articleId: a.id });
  }
  await upsertPaths(trx, aliasOff);
  for (const part of chunks(out, 200)) {
    await trx
      .insertInto('changes')
      .values(
        part.map((c) => ({
          scan_id: ctx.scanId,
          source_id: ctx.sourceId,
          article_id: c.articleId,
          revision_id: null,
          kind: 'removed' as const,
          path: c.path,
          previous_path: null,
          kb: c.kb,
          title: c.title,
          summary: null,
          minor: 0,
          detected_at: ctx.now,
        })),
      )
      .execute();
  }
  return out;
}
