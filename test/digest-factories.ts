/**
 * Factories for digest tests: scans and changes as the ingest writes them, users with digest
 * settings, subscriptions. Articles, sources and technologies come from factories.ts.
 */
import type { Kysely } from 'kysely';
import type { ChangeSummary } from '../src/model/article.ts';
import type { Database } from '../src/store/schema.ts';
import { currentWatermark } from '../src/store/changes/window.ts';

type Db = Kysely<Database>;

export async function insertScan(db: Db, sourceId: number, at = '2026-10-20T03:00:00.000Z'): Promise<number> {
  const row = await db
    .insertInto('scans')
    .values({
      source_id: sourceId,
      started_at: at,
      finished_at: at,
      from_ref: null,
      to_ref: null,
      status: 'ok',
      counts: '{}',
      message: null,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ChangeInput {
  scanId: number;
  sourceId: number;
  articleId: number;
  kind?: 'new' | 'updated' | 'metadata' | 'moved' | 'removed';
  minor?: boolean;
  summary?: ChangeSummary | null;
  detectedAt?: string;
}

/** Inserts a change row for an article (title, kb and path copied from the article). */
export async function insertChange(db: Db, c: ChangeInput): Promise<number> {
  const a = await db
    .selectFrom('articles')
    .select(['kb', 'title', 'path'])
    .where('id', '=', c.articleId)
    .executeTakeFirstOrThrow();
  const kind = c.kind ?? 'new';
  const summary =
    c.summary ??
    (kind === 'updated'
      ? { sections: ['Resolution'], wordsAdded: 25, wordsRemoved: 4, minor: Boolean(c.minor) }
      : null);
  const row = await db
    .insertInto('changes')
    .values({
      scan_id: c.scanId,
      source_id: c.sourceId,
      article_id: c.articleId,
      revision_id: null,
      kind,
      path: a.path,
      previous_path: null,
      kb: a.kb,
      title: a.title,
      summary: summary ? JSON.stringify(summary) : null,
      minor: c.minor ? 1 : 0,
      detected_at: c.detectedAt ?? '2026-10-20T03:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface DigestUserInput {
  email: string;
  timeZone?: string;
  digestHour?: number;
  cadence?: 'daily' | 'weekly';
  includeMinor?: boolean;
  confirmed?: boolean;
  createdAt?: string;
}

/** A user whose watermark starts at the newest change, as sign-up and `user add` create them. */
export async function insertDigestUser(db: Db, u: DigestUserInput): Promise<number> {
  const createdAt = u.createdAt ?? '2026-10-01T00:00:00.000Z';
  const row = await db
    .insertInto('users')
    .values({
      email: u.email,
      password_hash: null,
      confirmed_at: u.confirmed === false ? null : createdAt,
      is_admin: 0,
      time_zone: u.timeZone ?? 'UTC',
      digest_hour: u.digestHour ?? 7,
      cadence: u.cadence ?? 'daily',
      include_minor: u.includeMinor === false ? 0 : 1,
      watermark: await currentWatermark(db),
      suppressed_at: null,
      hard_bounces: 0,
      created_at: createdAt,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function subscribe(
  db: Db,
  userId: number,
  target: { technologyId: number } | { query: string },
  flags: { paused?: boolean; muted?: boolean } = {},
): Promise<number> {
  const row = await db
    .insertInto('subscriptions')
    .values({
      user_id: userId,
      kind: 'technologyId' in target ? 'technology' : 'query',
      technology_id: 'technologyId' in target ? target.technologyId : null,
      query: 'query' in target ? target.query : null,
      paused: flags.paused ? 1 : 0,
      muted: flags.muted ? 1 : 0,
      created_at: '2026-10-01T00:00:00.000Z',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}
