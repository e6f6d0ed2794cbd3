/**
 * Digest persistence: the outbox rows and their bodies, queued, suppressed or queued again.
 *
 * Queuing writes a user's digest row and advances their watermark in one transaction, so a crash
 * leaves either both or neither: items are never lost and never queued twice. The unique
 * (user_id, period) key makes a second digest for a period impossible, whoever composes it.
 * Sending (claims with leases, outcomes) is in digest-delivery.ts, the listings of the outbox
 * in outbox.ts.
 */
import type { Kysely, Transaction } from 'kysely';
import { chunks } from './codec.ts';
import { dialectOf } from './dialect.ts';
import type { Database } from './schema.ts';
import { writeTransaction } from './write-tx.ts';

type Db = Kysely<Database> | Transaction<Database>;

export interface DigestMessage {
  to: string;
  messageId: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** The items shown in the mail. */
  items: unknown[];
  /** Items in the digest, shown or not (default: `items.length`). */
  itemCount?: number;
}

export interface QueueEntry {
  userId: number;
  /** The watermark the items were computed from; the row is skipped if it moved meanwhile. */
  watermark: number;
  period: string;
  /** Absent when the user had no items: only the watermark advances. */
  digest?: DigestMessage;
}

export interface QueuedRow {
  id: number;
  userId: number;
  period: string;
}

const INSERT_CHUNK = 100;
const ID_CHUNK = 500;

type EntryWithDigest = QueueEntry & { digest: DigestMessage };

/** The users' watermarks and suppression, locked for the transaction on PostgreSQL. */
async function lockUserStates(
  tx: Db,
  userIds: number[],
  forUpdate: boolean,
): Promise<Map<number, { watermark: number; suppressed_at: string | null }>> {
  const current = new Map<number, { watermark: number; suppressed_at: string | null }>();
  for (const part of chunks(userIds, ID_CHUNK)) {
    let q = tx.selectFrom('users').select(['id', 'watermark', 'suppressed_at']).where('id', 'in', part);
    if (forUpdate) q = q.forUpdate();
    for (const r of await q.execute()) current.set(r.id, r);
  }
  return current;
}

/** Inserts digest rows and their bodies; a (user, period) that already has one is skipped. */
async function insertDigests(
  tx: Db,
  horizon: number,
  entries: EntryWithDigest[],
  createdAt: string,
): Promise<QueuedRow[]> {
  const inserted: QueuedRow[] = [];
  for (const chunk of chunks(entries, INSERT_CHUNK)) {
    const rows = chunk.map((e) => ({
      user_id: e.userId,
      period: e.period,
      status: 'queued' as const,
      to_address: e.digest.to,
      message_id: e.digest.messageId,
      subject: e.digest.subject,
      // The bodies go to digest_bodies (see migration 007).
      text_body: '',
      html_body: '',
      headers: JSON.stringify(e.digest.headers),
      items: JSON.stringify(e.digest.items),
      item_count: e.digest.itemCount ?? e.digest.items.length,
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
    const byUser = new Map(chunk.map((e) => [e.userId, e.digest]));
    if (got.length > 0) {
      await tx
        .insertInto('digest_bodies')
        .values(
          got.map((r) => ({
            digest_id: r.id,
            text_body: byUser.get(r.user_id)?.text ?? '',
            html_body: byUser.get(r.user_id)?.html ?? '',
          })),
        )
        .execute();
    }
    inserted.push(...got.map((r) => ({ id: r.id, userId: r.user_id, period: r.period })));
  }
  return inserted;
}

async function advanceWatermarks(tx: Db, userIds: number[], horizon: number): Promise<void> {
  for (const part of chunks(userIds, ID_CHUNK)) {
    await tx
      .updateTable('users')
      .set({ watermark: horizon })
      .where('id', 'in', part)
      .where('watermark', '<', horizon)
      .execute();
  }
}

/**
 * Queues the digests of a batch of users and advances their watermarks to `horizon`, all in one
 * transaction. Users whose watermark changed since matching (another process got there first)
 * or who were suppressed meanwhile are left alone. Returns the rows inserted.
 */
export async function queueDigests(
  db: Kysely<Database>,
  horizon: number,
  entries: QueueEntry[],
  createdAt: string,
): Promise<QueuedRow[]> {
  if (entries.length === 0) return [];
  const forUpdate = dialectOf(db) === 'postgres';
  return writeTransaction(db, async (tx) => {
    const current = await lockUserStates(
      tx,
      entries.map((e) => e.userId),
      forUpdate,
    );
    const valid = entries.filter((e) => {
      const row = current.get(e.userId);
      return row !== undefined && row.watermark === e.watermark && row.suppressed_at === null;
    });
    const withDigest = valid.filter((e): e is EntryWithDigest => e.digest !== undefined);
    const inserted = await insertDigests(tx, horizon, withDigest, createdAt);
    const advance = [
      ...inserted.map((r) => r.userId),
      ...valid.filter((e) => !e.digest).map((e) => e.userId),
    ];
    await advanceWatermarks(tx, advance, horizon);
    return inserted;
  });
}

/**
 * (user, period) pairs that already have a digest, among the given periods, as `user|period`;
 * only those of `userIds` when given (a tick asks for one page of users at a time).
 */
export async function existingDigests(db: Db, periods: string[], userIds?: number[]): Promise<Set<string>> {
  const out = new Set<string>();
  for (const part of chunks(periods, ID_CHUNK)) {
    const users = userIds ? chunks(userIds, ID_CHUNK) : [null];
    for (const someUsers of users) {
      let q = db.selectFrom('digests').select(['user_id', 'period']).where('period', 'in', part);
      if (someUsers) q = q.where('user_id', 'in', someUsers);
      for (const r of await q.execute()) out.add(`${r.user_id}|${r.period}`);
    }
  }
  return out;
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

/** Puts a failed digest back in the queue with a fresh attempt count; false unless it was failed. */
export async function requeueFailedDigest(db: Db, id: number): Promise<boolean> {
  const result = await db
    .updateTable('digests')
    .set({ status: 'queued', attempts: 0, next_attempt_at: null, lease_until: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
