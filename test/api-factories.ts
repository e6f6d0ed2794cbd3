/**
 * Factories for web tests on top of test/factories.ts: revisions, scans and changes of an
 * article, users and outbox digests, with defaults for every column a test does not care about.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../src/store/schema.ts';

export { insertArticle, insertSource, insertTechnology } from './factories.ts';

type Db = Kysely<Database>;

/** Records a path of an article (its current one, or an old one that keeps working). */
export async function insertArticlePath(
  db: Db,
  sourceId: number,
  articleId: number,
  path: string,
  current = true,
): Promise<void> {
  await db
    .insertInto('article_paths')
    .values({ source_id: sourceId, path, article_id: articleId, current: current ? 1 : 0 })
    .execute();
}

export async function insertScan(
  db: Db,
  sourceId: number,
  at: string,
  status: 'running' | 'ok' | 'failed' = 'ok',
): Promise<number> {
  const row = await db
    .insertInto('scans')
    .values({
      source_id: sourceId,
      started_at: at,
      finished_at: status === 'running' ? null : at,
      status,
      counts: '{}',
      from_ref: null,
      to_ref: null,
      message: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface RevisionInput {
  articleId: number;
  sourceId: number;
  number?: string;
  path?: string;
  title?: string;
  text?: string;
  seenAt?: string;
}

export async function insertRevision(db: Db, r: RevisionInput): Promise<number> {
  const row = await db
    .insertInto('revisions')
    .values({
      article_id: r.articleId,
      source_id: r.sourceId,
      number: r.number ?? '1.0',
      path: r.path ?? 'support/test/article.md',
      ref: null,
      seen_at: r.seenAt ?? '2024-01-15T08:00:00.000Z',
      title: r.title ?? 'A title',
      description: '',
      text: r.text ?? 'Some text.',
      meta: '{}',
      content_hash: 'c',
      meta_hash: 'm',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ChangeInput {
  scanId: number;
  sourceId: number;
  articleId: number;
  kind: 'new' | 'updated' | 'metadata' | 'moved' | 'removed';
  title: string;
  kb?: number | null;
  path?: string;
  detectedAt: string;
  revisionId?: number | null;
  summary?: { sections: string[]; wordsAdded: number; wordsRemoved: number; minor: boolean } | null;
  minor?: boolean;
}

export async function insertChange(db: Db, c: ChangeInput): Promise<number> {
  const row = await db
    .insertInto('changes')
    .values({
      scan_id: c.scanId,
      source_id: c.sourceId,
      article_id: c.articleId,
      revision_id: c.revisionId ?? null,
      kind: c.kind,
      path: c.path ?? 'support/test/article.md',
      previous_path: null,
      kb: c.kb ?? null,
      title: c.title,
      summary: c.summary ? JSON.stringify(c.summary) : null,
      minor: c.minor ? 1 : 0,
      detected_at: c.detectedAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertUserRow(
  db: Db,
  email: string,
  opts: { admin?: boolean; confirmed?: boolean } = {},
): Promise<number> {
  const row = await db
    .insertInto('users')
    .values({
      email,
      password_hash: null,
      confirmed_at: opts.confirmed === false ? null : '2024-01-01T00:00:00.000Z',
      is_admin: opts.admin ? 1 : 0,
      time_zone: 'UTC',
      digest_hour: 7,
      cadence: 'daily',
      include_minor: 1,
      watermark: 0,
      suppressed_at: null,
      hard_bounces: 0,
      created_at: '2024-01-01T00:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertDigest(
  db: Db,
  userId: number,
  period: string,
  status: 'queued' | 'sending' | 'sent' | 'failed' | 'suppressed',
  lastError: string | null = null,
): Promise<number> {
  const row = await db
    .insertInto('digests')
    .values({
      user_id: userId,
      period,
      status,
      to_address: `user${userId}@example.org`,
      message_id: `<${userId}.${period}@kbwatch.test>`,
      subject: `kbwatch: 1 new article (${period})`,
      text_body: 'text',
      html_body: '<p>html</p>',
      headers: '{}',
      items: '[]',
      item_count: 1,
      from_change_id: 0,
      to_change_id: 1,
      attempts: status === 'failed' ? 3 : 0,
      next_attempt_at: null,
      lease_until: null,
      last_error: lastError,
      created_at: '2024-01-15T07:00:00.000Z',
      sent_at: status === 'sent' ? '2024-01-15T07:01:00.000Z' : null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
