/**
 * Data access for subscriptions: technology lookup, insert, list, state changes and delete, and
 * the active subscriptions a digest run matches against.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import { chunks } from './codec.ts';
import type { Database, Subscription, Technology } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** A subscription with the technology it points at (null for a saved query). */
export interface SubscriptionView extends Subscription {
  technology_slug: string | null;
  technology_name: string | null;
}

/** A technology by slug, alias or display name, all compared case-insensitively. */
export async function findTechnologyByTerm(db: Db, term: string): Promise<Technology | undefined> {
  const t = term.trim().toLowerCase().replace(/\s+/g, ' ');
  if (t === '') return undefined;
  const bySlug = await db.selectFrom('technologies').selectAll().where('slug', '=', t).executeTakeFirst();
  if (bySlug) return bySlug;
  const byAlias = await db
    .selectFrom('technology_aliases')
    .innerJoin('technologies', 'technologies.id', 'technology_aliases.technology_id')
    .selectAll('technologies')
    .where(sql<string>`lower(technology_aliases.alias)`, 'in', [t, t.replace(/ /g, '-')])
    .orderBy('technologies.article_count', 'desc')
    .executeTakeFirst();
  if (byAlias) return byAlias;
  return db
    .selectFrom('technologies')
    .selectAll()
    .where(sql<string>`lower(name)`, '=', t)
    .orderBy('article_count', 'desc')
    .executeTakeFirst();
}

export function listUserSubscriptions(db: Db, userId: number): Promise<SubscriptionView[]> {
  return db
    .selectFrom('subscriptions')
    .leftJoin('technologies', 'technologies.id', 'subscriptions.technology_id')
    .selectAll('subscriptions')
    .select(['technologies.slug as technology_slug', 'technologies.name as technology_name'])
    .where('subscriptions.user_id', '=', userId)
    .orderBy('subscriptions.id')
    .execute();
}

/** Every subscription of the given users, for listings (one query, not one per user). */
export async function subscriptionsByUser(
  db: Db,
  userIds: number[],
): Promise<Map<number, SubscriptionView[]>> {
  const out = new Map<number, SubscriptionView[]>();
  for (let i = 0; i < userIds.length; i += 500) {
    const part = userIds.slice(i, i + 500);
    const rows = await db
      .selectFrom('subscriptions')
      .leftJoin('technologies', 'technologies.id', 'subscriptions.technology_id')
      .selectAll('subscriptions')
      .select(['technologies.slug as technology_slug', 'technologies.name as technology_name'])
      .where('subscriptions.user_id', 'in', part)
      .orderBy('subscriptions.id')
      .execute();
    for (const r of rows) {
      const list = out.get(r.user_id) ?? [];
      list.push(r);
      out.set(r.user_id, list);
    }
  }
  return out;
}

export async function countUserSubscriptions(db: Db, userId: number): Promise<number> {
  const r = await db
    .selectFrom('subscriptions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

/** The user's existing subscription to the same technology or the same query text, if any. */
export function findSameSubscription(
  db: Db,
  userId: number,
  target: { technologyId: number } | { query: string },
): Promise<Subscription | undefined> {
  let q = db.selectFrom('subscriptions').selectAll().where('user_id', '=', userId);
  q =
    'technologyId' in target
      ? q.where('kind', '=', 'technology').where('technology_id', '=', target.technologyId)
      : q.where('kind', '=', 'query').where('query', '=', target.query);
  return q.executeTakeFirst();
}

export function insertSubscription(
  db: Db,
  row: {
    userId: number;
    kind: 'technology' | 'query';
    technologyId: number | null;
    query: string | null;
    createdAt: string;
  },
): Promise<Subscription> {
  return db
    .insertInto('subscriptions')
    .values({
      user_id: row.userId,
      kind: row.kind,
      technology_id: row.technologyId,
      query: row.query,
      paused: 0,
      muted: 0,
      created_at: row.createdAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Sets flags on one of the user's subscriptions; false if the user has no such subscription. */
export async function updateSubscriptionFlags(
  db: Db,
  userId: number,
  id: number,
  patch: { paused?: number; muted?: number },
): Promise<boolean> {
  const r = await db
    .updateTable('subscriptions')
    .set(patch)
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export async function deleteSubscription(db: Db, userId: number, id: number): Promise<boolean> {
  const r = await db
    .deleteFrom('subscriptions')
    .where('id', '=', id)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** One of the user's subscriptions with its technology; undefined if the user has no such subscription. */
export function findUserSubscription(
  db: Db,
  userId: number,
  id: number,
): Promise<SubscriptionView | undefined> {
  return db
    .selectFrom('subscriptions')
    .leftJoin('technologies', 'technologies.id', 'subscriptions.technology_id')
    .selectAll('subscriptions')
    .select(['technologies.slug as technology_slug', 'technologies.name as technology_name'])
    .where('subscriptions.id', '=', id)
    .where('subscriptions.user_id', '=', userId)
    .executeTakeFirst();
}

/** Pauses every active subscription of a user; returns how many were active. */
export async function pauseAllSubscriptions(db: Db, userId: number): Promise<number> {
  const r = await db
    .updateTable('subscriptions')
    .set({ paused: 1 })
    .where('user_id', '=', userId)
    .where('paused', '=', 0)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

/** User id → number of subscriptions, for every user that has any. */
export async function countSubscriptionsByUser(db: Db): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom('subscriptions')
    .select(['user_id', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('user_id')
    .execute();
  return new Map(rows.map((s) => [s.user_id, Number(s.n)]));
}

/** A subscription that is neither paused nor muted. */
export interface ActiveSubscription {
  id: number;
  userId: number;
  kind: 'technology' | 'query';
  technologyId: number | null;
  query: string | null;
  /** What the user subscribed to, in words: the technology's name or the query text. */
  label: string;
}

type ActiveRow = Pick<Subscription, 'id' | 'user_id' | 'kind' | 'technology_id' | 'query'>;

/** Active subscription rows: every one, or those of `userIds` (in chunks of 500 users). */
async function activeRows(db: Db, userIds?: Set<number>): Promise<ActiveRow[]> {
  const active = () =>
    db
      .selectFrom('subscriptions')
      .select(['id', 'user_id', 'kind', 'technology_id', 'query'])
      .where('paused', '=', 0)
      .where('muted', '=', 0);
  if (!userIds) return active().execute();
  const out: ActiveRow[] = [];
  for (const part of chunks([...userIds], 500))
    out.push(...(await active().where('user_id', 'in', part).execute()));
  return out;
}

/** Technology id → name, for the given technologies. */
async function technologyNames(db: Db, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const part of chunks(ids, 500))
    for (const t of await db
      .selectFrom('technologies')
      .select(['id', 'name'])
      .where('id', 'in', part)
      .execute())
      out.set(t.id, t.name);
  return out;
}

/**
 * Subscriptions neither paused nor muted, grouped by user, oldest first; only for `userIds` when
 * given, and then only their rows are read (a digest tick asks for one page of users at a time).
 */
export async function activeSubscriptions(
  db: Db,
  userIds?: Set<number>,
): Promise<Map<number, ActiveSubscription[]>> {
  // No join and no ORDER BY: at 300,000 rows both cost more than naming and sorting in memory.
  const rows = await activeRows(db, userIds);
  const names = await technologyNames(db, [
    ...new Set(rows.flatMap((r) => (r.technology_id === null ? [] : [r.technology_id]))),
  ]);
  const out = new Map<number, ActiveSubscription[]>();
  for (const r of rows) {
    const label =
      r.kind === 'technology'
        ? (names.get(r.technology_id ?? -1) ?? `technology ${r.technology_id}`)
        : (r.query ?? '');
    const sub: ActiveSubscription = {
      id: r.id,
      userId: r.user_id,
      kind: r.kind,
      technologyId: r.technology_id,
      query: r.query,
      label,
    };
    const list = out.get(r.user_id);
    if (list) list.push(sub);
    else out.set(r.user_id, [sub]);
  }
  for (const list of out.values()) if (list.length > 1) list.sort((a, b) => a.id - b.id);
  return out;
}

/** Technology id → slug, for the given technologies. */
export async function technologySlugs(db: Db, ids: number[]): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const part of chunks(ids, 500))
    for (const t of await db
      .selectFrom('technologies')
      .select(['id', 'slug'])
      .where('id', 'in', part)
      .execute())
      out.set(t.id, t.slug);
  return out;
}
