/**
 * Sending digests, as the store sees it: senders claim rows with a lease (SKIP LOCKED on
 * PostgreSQL), so two never take the same row and a crashed sender's rows are claimed again
 * once the lease has expired; each outcome (sent, retry, failed) is written as it comes.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { chunks, groupBy, jsonObject } from './codec.ts';
import { suppressQueued } from './digests.ts';
import { dialectOf } from './dialect.ts';
import type { Database } from './schema.ts';
import { writeTransaction } from './write-tx.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A digest claimed for sending, with its bodies and decoded headers. */
export interface ClaimedDigest {
  id: number;
  userId: number;
  period: string;
  to: string;
  messageId: string;
  subject: string;
  text: string;
  html: string;
  headers: Record<string, string>;
  /** Attempts so far, this one included. */
  attempts: number;
  /** The claim's token: every outcome is written under it. */
  token: string;
}

interface ClaimedRow {
  id: number;
  user_id: number;
  period: string;
  to_address: string;
  message_id: string;
  subject: string;
  text_body: string;
  html_body: string;
  headers: string;
  attempts: number;
  lease_token: string;
}

/** The claimed rows' bodies, from digest_bodies (rows queued before migration 007 keep their own). */
async function withBodies(db: Db, rows: ClaimedRow[]): Promise<ClaimedDigest[]> {
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
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    period: r.period,
    to: r.to_address,
    messageId: r.message_id,
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
    headers: jsonObject<Record<string, string>>(r.headers) ?? {},
    attempts: r.attempts,
    token: r.lease_token,
  }));
}

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
  token: string,
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
  const result = await sql<ClaimedRow>`
    UPDATE digests SET status = 'sending', lease_until = ${leaseUntil}, lease_token = ${token}, attempts = attempts + 1
    WHERE id IN (${candidates})
    RETURNING id, user_id, period, to_address, message_id, subject, text_body, html_body, headers, attempts, lease_token`.execute(
    db,
  );
  return withBodies(
    db,
    result.rows.sort((a, b) => a.id - b.id),
  );
}

/** A claimed row, as every outcome write names it: still `sending`, still under this claim. */
export interface Claim {
  id: number;
  token: string;
}

/**
 * Recorded right after the SMTP server accepted the messages: the one window where a crash
 * duplicates. Fenced by the claim: a row another sender took over (our lease ran out) is left
 * as it is. Idempotent: a row this claim already marked stays as it was and counts as marked,
 * so a mark whose answer was lost with the connection can be written again. Returns the ids
 * marked.
 */
export async function markSent(db: Db, claims: Claim[], sentAt: string): Promise<number[]> {
  const marked: number[] = [];
  const byToken = groupBy(
    claims,
    (c) => c.token,
    (c) => c.id,
  );
  for (const [token, ids] of byToken) {
    for (const part of chunks(ids)) {
      const rows = await db
        .updateTable('digests')
        .set((eb) => ({
          status: 'sent',
          sent_at: eb.case().when('status', '=', 'sent').then(eb.ref('sent_at')).else(sentAt).end(),
          lease_until: null,
          next_attempt_at: null,
          last_error: null,
        }))
        .where('id', 'in', part)
        .where('status', 'in', ['sending', 'sent'])
        .where('lease_token', '=', token)
        .returning('id')
        .execute();
      marked.push(...rows.map((r) => r.id));
    }
  }
  return marked;
}

/**
 * A temporary failure: back to the queue until `nextAttemptAt`, unless the claim was lost.
 * `ambiguous`: the message may have been delivered (counted on the row). Returns whether the
 * row was ours to update.
 */
export async function markRetry(
  db: Db,
  claim: Claim,
  error: string,
  nextAttemptAt: string,
  ambiguous = false,
): Promise<boolean> {
  const r = await db
    .updateTable('digests')
    .set((eb) => ({
      status: 'queued',
      lease_until: null,
      lease_token: null,
      next_attempt_at: nextAttemptAt,
      last_error: error,
      ...(ambiguous ? { ambiguous: eb('ambiguous', '+', 1) } : {}),
    }))
    .where('id', '=', claim.id)
    .where('status', '=', 'sending')
    .where('lease_token', '=', claim.token)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Extends the lease of rows still being sent under `token`; returns the ids still held. */
export async function renewClaims(
  db: Db,
  ids: number[],
  token: string,
  leaseUntil: string,
): Promise<number[]> {
  const held: number[] = [];
  for (const part of chunks(ids)) {
    const rows = await db
      .updateTable('digests')
      .set({ lease_until: leaseUntil })
      .where('id', 'in', part)
      .where('status', '=', 'sending')
      .where('lease_token', '=', token)
      .returning('id')
      .execute();
    held.push(...rows.map((r) => r.id));
  }
  return held;
}

/** Puts rows claimed under `token` and not sent back in the queue at once (a sender stopping). */
export async function releaseClaims(db: Db, ids: number[], token: string): Promise<number> {
  let n = 0;
  for (const part of chunks(ids)) {
    const r = await db
      .updateTable('digests')
      .set((eb) => ({
        status: 'queued',
        lease_until: null,
        lease_token: null,
        attempts: eb('attempts', '-', 1),
      }))
      .where('id', 'in', part)
      .where('status', '=', 'sending')
      .where('lease_token', '=', token)
      .executeTakeFirst();
    n += Number(r.numUpdatedRows);
  }
  return n;
}

/**
 * A failure for good. A permanent (5xx) rejection also counts a hard bounce for the user; at
 * `bounceLimit` the address is suppressed and the user's other queued digests with it.
 * Returns whether the user is now suppressed.
 */
export async function markFailed(
  db: Kysely<Database>,
  claim: Claim,
  error: string,
  opts: { hardBounce: boolean; bounceLimit: number; at: string },
): Promise<boolean> {
  return writeTransaction(db, async (tx) => {
    const row = await tx
      .updateTable('digests')
      .set({ status: 'failed', lease_until: null, lease_token: null, last_error: error })
      .where('id', '=', claim.id)
      .where('status', '=', 'sending')
      .where('lease_token', '=', claim.token)
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
