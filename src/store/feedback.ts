/**
 * Community feedback on articles: stored pending or approved, shown only when approved,
 * moderated by admins (`listPendingFeedback`, `moderateFeedback`).
 */
import type { Kysely } from 'kysely';
import type { Database, Feedback, FeedbackTable } from './schema.ts';

export type FeedbackStatus = FeedbackTable['status'];
export type NewFeedback = Omit<Feedback, 'id'>;

export async function insertFeedback(db: Kysely<Database>, row: NewFeedback): Promise<number> {
  try {
    const inserted = await db.insertInto('feedback').values(row).returning('id').executeTakeFirstOrThrow();
    return inserted.id;
  } catch (err) {
    throw new Error(
      `store: unable to save feedback on article ${row.article_id}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
}

/** Approved feedback of one article, oldest first (a conversation reads top to bottom). */
export function listApprovedFeedback(
  db: Kysely<Database>,
  articleId: number,
  limit = 200,
): Promise<Feedback[]> {
  return db
    .selectFrom('feedback')
    .selectAll()
    .where('article_id', '=', articleId)
    .where('status', '=', 'approved')
    .orderBy('id')
    .limit(limit)
    .execute();
}

export interface PendingFeedback extends Feedback {
  article_title: string;
  article_kb: number | null;
  article_path: string;
}

/** The moderation queue, oldest first, with the article each item is about. */
export function listPendingFeedback(
  db: Kysely<Database>,
  opts: { limit?: number; offset?: number } = {},
): Promise<PendingFeedback[]> {
  return db
    .selectFrom('feedback as f')
    .innerJoin('articles as a', 'a.id', 'f.article_id')
    .selectAll('f')
    .select(['a.title as article_title', 'a.kb as article_kb', 'a.path as article_path'])
    .where('f.status', '=', 'pending')
    .orderBy('f.id')
    .limit(opts.limit ?? 100)
    .offset(opts.offset ?? 0)
    .execute();
}

/** Approves or rejects one item; false when there is no such feedback. */
export async function moderateFeedback(
  db: Kysely<Database>,
  id: number,
  status: 'approved' | 'rejected',
): Promise<boolean> {
  const result = await db.updateTable('feedback').set({ status }).where('id', '=', id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
