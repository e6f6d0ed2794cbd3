/**
 * The outbox: digest rows in the database, from queued to sent, failed or suppressed.
 *
 * Queuing writes a user's digest row and advances their watermark in one transaction, so a crash
 * leaves either both or neither: items are never lost and never queued twice. The unique
 * (user_id, period) key makes a second digest for a period impossible, whoever composes it.
 * Senders claim rows with a lease (SKIP LOCKED on PostgreSQL); a crashed sender's rows are
 * claimed again once the lease has expired.
 */
import { sql, type Kysely } from 'kysely';
import type { Database, Digest } from '../store/schema.ts';
import { dialectOf } from '../store/dialect.ts';
import { writeTransaction } from '../store/write-tx.ts';

type Db = Kysely<Database>;

export interface QueueEntry {
  userId: number;
  /** The watermark the items were computed from; the row is skipped if it moved meanwhile. */
  watermark: number;
  period: string;
  /** Absent when the user had no items: only the watermark advances. */
  digest?: {
    to: string;
    messageId: string;
    subject: string;
    text: string;
    html: string;
    headers: Record<string, string>;
    items: unknown[];
  };
}

export interface QueuedRow {
  id: number;
  userId: number;
  period: string;
}

const INSERT_CHUNK = 100;
const ID_CHUNK = 500;

/**
 * Queues the digests of a batch of users and advances their watermarks to `horizon`, all in one
 * transaction. Users whose watermark changed since matching (another process got there first)
 * or who were suppressed meanwhile are left alone. Returns the rows inserted.
 */
export async function queueDigests(
  db: Db,
  horizon: number,
  entries: QueueEntry[],
  createdAt: string,
): Promise<QueuedRow[]> {
  if (entries.length === 0) return [];
  return writeTransaction(db, async (tx) => {
    const current = new Map<number, { watermark: number; suppressed_at: string | null }>();
    for (let i = 0; i < entries.length; i += ID_CHUNK) {
      let q = tx
        .selectFrom('users')
        .select(['id', 'watermark', 'suppressed_at'])
        .where(
          'id',
          'in',
          entries.slice(i, i + ID_CHUNK).map((e) => e.userId),
        );
      if (dialectOf(db) === 'postgres') q = q.forUpdate();
      for (const r of await q.execute()) current.set(r.id, r);
    }
    const valid = entries.filter((e) => {
      const row = current.get(e.userId);
      return row !== undefined && row.watermark === e.watermark && row.suppressed_at === null;
    });
    const inserted: QueuedRow[] = [];
    const withDigest = valid.filter((e) => e.digest);
    for (let i = 0; i < withDigest.length; i += INSERT_CHUNK) {
      const chunk = withDigest.slice(i, i + INSERT_CHUNK);
      const rows = chunk.map((e) => ({
        user_id: e.userId,
        period: e.period,
        status: 'queued' as const,
        to_address: e.digest!.to,
        message_id: e.digest!.messageId,
        subject: e.digest!.subject,
        // The bodies go to digest_bodies (see migration 007).
        text_body: '',
        html_body: '',
        headers: JSON.stringify(e.digest!.headers),
        items: JSON.stringify(e.digest!.items),
        item_count: e.digest!.items.length,
        from_change_id: e.watermark,
        to_change_id: horizon,
        attempts: 0,
        created_at: createdAt,
      }));
      const got = await tx
        .insertInto('digests')
        .values(rows)
        .onConflict((oc) => oc.columns(['user_id', 'period']).doNothing())
        .returning(['id', 'user_id', 'period'])
        .execute();
      const byUser = new Map(chunk.map((e) => [e.userId, e.digest!]));
      if (got.length > 0) {
        await tx
          .insertInto('digest_bodies')
          .values(
            got.map((r) => ({
              digest_id: r.id,
              text_body: byUser.get(r.user_id)!.text,
              html_body: byUser.get(r.user_id)!.html,
            })),
          )
          .execute();
      }
      inserted.push(...got.map((r) => ({ id: r.id, userId: r.user_id, period: r.period })));
    }
    const advance = [
      ...inserted.map((r) => r.userId),
      ...valid.filter((e) => !e.digest).map((e) => e.userId),
    ];
    for (let i = 0; i < advance.length; i += ID_CHUNK) {
      await tx
        .updateTable('users')
        .set({ watermark: horizon })
        .where('id', 'in', advance.slice(i, i + ID_CHUNK))
        .where('watermark', '<', horizon)
        .execute();
    }
    return inserted;
  });
}

/** (user, period) pairs that already have a digest, among the given periods. */
export async function existingDigests(db: Db, periods: string[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (let i = 0; i < periods.length; i += ID_CHUNK) {
    const rows = await db
      .selectFrom('digests')
      .select(['user_id', 'period'])
      .where('period', 'in', periods.slice(i, i + ID_CHUNK))
      .execute();
    for (const r of rows) out.add(`${r.user_id}|${r.period}`);
  }
  return out;
}

export type ClaimedDigest = Pick<
  Digest,
  | 'id'
  | 'user_id'
  | 'period'
  | 'to_address'
  | 'message_id'
  | 'subject'
  | 'text_body'
  | 'html_body'
  | 'headers'
  | 'attempts'
>;

/**
 * Claims up to `limit` digests ready to send: queued and due, or left `sending` by a process
 * whose lease ran out. One statement, so two senders never claim the same row. No ORDER BY:
 * sorting every waiting row on each claim costs more than the fairness is worth, and with
 * LIMIT the search stops at the first rows found through the status index. (On SQLite the
 * conditions are split into index-friendly branches: the retry and lease columns sit after the
 * mail bodies in the row, and reading them for every waiting row walks its overflow pages.)
 */
export async function claimDigests(
  db: Db,
  limit: number,
  nowIso: string,
  leaseUntil: string,
): Promise<ClaimedDigest[]> {
  // A scalar subquery, looked up by primary key for each candidate only: as NOT EXISTS,
  // PostgreSQL plans an anti-join that reads the whole users table on every claim.
  const live = sql`(SELECT u.suppressed_at FROM users u WHERE u.id = d.user_id) IS NULL`;
  const candidates =
    dialectOf(db) === 'postgres'
      ? sql`SELECT d.id FROM digests d
          WHERE ((d.status = 'queued' AND (d.next_attempt_at IS NULL OR d.next_attempt_at <= ${nowIso}))
            OR (d.status = 'sending' AND d.lease_until < ${nowIso})) AND ${live}
          LIMIT ${limit} FOR UPDATE OF d SKIP LOCKED`
      : sql`SELECT id FROM (
            SELECT d.id FROM digests d WHERE d.status = 'queued' AND d.next_attempt_at IS NULL AND ${live}
            UNION ALL SELECT d.id FROM digests d WHERE d.status = 'queued' AND d.next_attempt_at <= ${nowIso} AND ${live}
            UNION ALL SELECT d.id FROM digests d WHERE d.status = 'sending' AND d.lease_until < ${nowIso} AND ${live}
          ) LIMIT ${limit}`;
  const result = await sql<ClaimedDigest>`
    UPDATE digests SET status = 'sending', lease_until = ${leaseUntil}, attempts = attempts + 1
    WHERE id IN (${candidates})
    RETURNING id, user_id, period, to_address, message_id, subject, text_body, html_body, headers, attempts`.execute(
    db,
  );
  const rows = result.rows.sort((a, b) => a.id - b.id);
  if (rows.length > 0) {
    const bodies = await db
      .selectFrom('digest_bodies')
      .selectAll()
      .where(
        'digest_id',
        'in',
        rows.map((r) => r.id),
      )
      .execute();
    const byId = new Map(bodies.map((b) => [b.digest_id, b]));
    for (const r of rows) {
      const b = byId.get(r.id);
      if (b) Object.assign(r, { text_body: b.text_body, html_body: b.html_body });
    }
  }
  return rows;
}

/** Recorded right after the SMTP server accepted the messages: the one window where a crash duplicates. */
export async function markSent(db: Db, ids: number[], sentAt: string): Promise<void> {
  if (ids.length === 0) return;
  await db
    .updateTable('digests')
    .set({ status: 'sent', sent_at: sentAt, lease_until: null, next_attempt_at: null, last_error: null })
    .where('id', 'in', ids)
    .execute();
}

/** A temporary failure: back to the queue until `nextAttemptAt`. */
export async function markRetry(db: Db, id: number, error: string, nextAttemptAt: string): Promise<void> {
  await db
    .updateTable('digests')
    .set({ status: 'queued', lease_until: null, next_attempt_at: nextAttemptAt, last_error: error })
    .where('id', '=', id)
    .execute();
}

/**
 * A failure for good. A permanent (5xx) rejection also counts a hard bounce for the user; at
 * `bounceLimit` the address is suppressed and the user's other queued digests with it.
 * Returns whether the user is now suppressed.
 */
export async function markFailed(
  db: Db,
  id: number,
  error: string,
  opts: { hardBounce: boolean; bounceLimit: number; at: string },
): Promise<boolean> {
  return writeTransaction(db, async (tx) => {
    const row = await tx
      .updateTable('digests')
      .set({ status: 'failed', lease_until: null, last_error: error })
      .where('id', '=', id)
      .returning('user_id')
      .executeTakeFirst();
    if (!row || !opts.hardBounce) return false;
    const user = await tx
      .updateTable('users')
      .set((eb) => ({ hard_bounces: eb('hard_bounces', '+', 1) }))
      .where('id', '=', row.user_id)
      .returning(['hard_bounces', 'suppressed_at'])
      .executeTakeFirst();
    if (!user || user.hard_bounces < opts.bounceLimit) return false;
    if (user.suppressed_at === null)
      await tx.updateTable('users').set({ suppressed_at: opts.at }).where('id', '=', row.user_id).execute();
    await suppressQueued(tx, row.user_id, `suppressed after ${user.hard_bounces} hard bounces`);
    return true;
  });
}

/** Marks a user's unsent digests as not to be sent (suppressed address, unsubscribed user). */
export async function suppressQueued(db: Db, userId: number, reason: string): Promise<number> {
  const r = await db
    .updateTable('digests')
    .set({ status: 'suppressed', lease_until: null, last_error: reason })
    .where('user_id', '=', userId)
    .where('status', 'in', ['queued', 'sending'])
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export interface OutboxRow {
  id: number;
  user: string;
  period: string;
  status: Digest['status'];
  items: number;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The newest digests first, optionally of one status: what `kbwatch outbox` and the admin page show. */
export async function listOutbox(
  db: Db,
  opts: { status?: Digest['status']; limit?: number } = {},
): Promise<OutboxRow[]> {
  let q = db
    .selectFrom('digests as d')
    .innerJoin('users as u', 'u.id', 'd.user_id')
    .select([
      'd.id',
      'u.email',
      'd.period',
      'd.status',
      'd.item_count',
      'd.attempts',
      'd.last_error',
      'd.next_attempt_at',
      'd.created_at',
      'd.sent_at',
    ])
    .orderBy('d.id', 'desc')
    .limit(opts.limit ?? 1000);
  if (opts.status) q = q.where('d.status', '=', opts.status);
  const rows = await q.execute();
  return rows.map((r) => ({
    id: r.id,
    user: r.email,
    period: r.period,
    status: r.status,
    items: r.item_count,
    attempts: r.attempts,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  }));
}
