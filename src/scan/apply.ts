/**
 * Applies what a scan saw to the store, one batch per transaction: read the stored state the
 * batch may touch, decide (classify.ts, no database), write the decisions (one store function).
 * Deciding from the stored state (not from git's status letters) makes a batch applied twice
 * change nothing the second time: a scan killed half-way is completed by the next one.
 */
import type { Transaction } from 'kysely';
import type { ChangeRecord } from '../model/decision.ts';
import { articlesByKb, articlesByPath, latestRevisionTexts } from '../store/articles.ts';
import { recordDecisions, type RecordedBatch, type RecordScope } from '../store/changes/record.ts';
import type { Database } from '../store/schema.ts';
import { countLiveArticles } from '../store/sources.ts';
import { classifyGone, identifyBatch, summarize, updatedArticleIds, type ClassifyScope } from './classify.ts';
import type { Seen } from './plan.ts';
import { checkRemovals, type RemovalGuard } from './removal-guard.ts';

/** Everything a batch of one scan is decided and written with. */
export type BatchScope = ClassifyScope & RecordScope;

export async function applySeen(
  trx: Transaction<Database>,
  scope: BatchScope,
  batch: Seen[],
): Promise<RecordedBatch> {
  const kbs = batch.flatMap((s) => (s.article.kb === null ? [] : [s.article.kb]));
  const paths = batch.flatMap((s) => (s.previousPath ? [s.article.path, s.previousPath] : [s.article.path]));
  const stored = {
    byKb: await articlesByKb(trx, kbs),
    byPath: await articlesByPath(trx, scope.sourceId, paths),
  };
  const identified = identifyBatch(batch, stored, scope);
  const oldTexts = await latestRevisionTexts(trx, updatedArticleIds(identified));
  return recordDecisions(trx, scope, summarize(identified, oldTexts));
}

/**
 * Paths gone from the source: their articles are retired (kept, never deleted). Too many
 * removals at once stop here, before anything is written (removal-guard.ts).
 */
export async function applyGone(
  trx: Transaction<Database>,
  scope: BatchScope,
  gonePaths: string[],
  guard: RemovalGuard,
): Promise<ChangeRecord[]> {
  const byPath = await articlesByPath(trx, scope.sourceId, gonePaths);
  const decisions = classifyGone(gonePaths, byPath, scope.sourceId);
  const retiring = new Set(decisions.flatMap((d) => (d.kind === 'removed' ? [d.articleId] : []))).size;
  await checkRemovals(guard, retiring, () => countLiveArticles(trx, scope.sourceId));
  const { changes } = await recordDecisions(trx, scope, decisions);
  return changes;
}
