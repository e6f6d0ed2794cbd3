/**
 * The outbox as people see it: digests with their addressee, newest first or by id, and how
 * many are in each status. What `kbwatch outbox`, `kbwatch digest run` and the admin page show.
 */
import type { Kysely, Transaction } from 'kysely';
import { chunks } from './codec.ts';
import type { Database, Digest } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type DigestState = Digest['status'];

export interface OutboxRow {
  id: number;
  user: string;
  period: string;
  status: DigestState;
  items: number;
  attempts: number;
  /** Attempts whose outcome was unknown (connection lost before the reply), each retried. */
  ambiguous: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  createdAt: string;
  sentAt: string | null;
}

/** The newest digests first, optionally of one status (at most `limit`, default 1000). */
export async function listOutbox(
  db: Db,
  opts: { status?: DigestState; limit?: number } = {},
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
      'd.ambiguous',
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
    ambiguous: r.ambiguous,
    lastError: r.last_error,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  }));
}

/** Digests by status → how many. Statuses with none are absent. */
export async function countDigestsByStatus(db: Db): Promise<Map<DigestState, number>> {
  const rows = await db
    .selectFrom('digests')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

export interface DigestStatus {
  id: number;
  user: string;
  period: string;
  items: number;
  messageId: string;
  status: DigestState;
  error: string | null;
}

/** The given digests as they are now, by id; unknown ids are left out. */
export async function digestStatuses(db: Db, ids: number[]): Promise<DigestStatus[]> {
  const out: DigestStatus[] = [];
  for (const part of chunks(ids, 500)) {
    const rows = await db
      .selectFrom('digests as d')
      .innerJoin('users as u', 'u.id', 'd.user_id')
      .select(['d.id', 'u.email', 'd.period', 'd.item_count', 'd.message_id', 'd.status', 'd.last_error'])
      .where('d.id', 'in', part)
      .execute();
    out.push(
      ...rows.map((r) => ({
        id: r.id,
        user: r.email,
        period: r.period,
        items: r.item_count,
        messageId: r.message_id,
        status: r.status,
        error: r.last_error,
      })),
    );
  }
  return out.sort((a, b) => a.id - b.id);
}
