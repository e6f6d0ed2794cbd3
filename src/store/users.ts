/** Data access for users (digest recipients among them), their sessions and their single-use tokens. */
import type { Kysely, Transaction } from 'kysely';
import type { Database, User, UserTable } from './schema.ts';
import type { Insertable, Selectable } from 'kysely';
import { currentWatermark } from './changes/window.ts';

type Db = Kysely<Database> | Transaction<Database>;

export type Session = Selectable<Database['sessions']>;
export type Token = Selectable<Database['tokens']>;

export function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
}

export function findUserById(db: Db, id: number): Promise<User | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * Inserts a user whose watermark starts at the newest change, so that a new user is never sent
 * changes detected before they existed. Returns undefined when the address is already taken.
 */
export type NewUser = Pick<UserTable, 'email' | 'created_at'> &
  Partial<
    Pick<
      UserTable,
      | 'password_hash'
      | 'confirmed_at'
      | 'is_admin'
      | 'time_zone'
      | 'digest_hour'
      | 'cadence'
      | 'include_minor'
    >
  >;

export async function insertUser(db: Db, row: NewUser): Promise<User | undefined> {
  const watermark = await currentWatermark(db);
  const values: Insertable<UserTable> = {
    password_hash: null,
    confirmed_at: null,
    is_admin: 0,
    time_zone: 'UTC',
    digest_hour: 7,
    cadence: 'daily',
    include_minor: 1,
    suppressed_at: null,
    hard_bounces: 0,
    ...row,
    watermark,
  };
  return db
    .insertInto('users')
    .values(values)
    .onConflict((oc) => oc.column('email').doNothing())
    .returningAll()
    .executeTakeFirst();
}

/** A user's address; throws if there is no such user. */
export async function userEmail(db: Db, id: number): Promise<string> {
  const user = await db.selectFrom('users').select('email').where('id', '=', id).executeTakeFirstOrThrow();
  return user.email;
}

export async function updateUser(db: Db, id: number, patch: Partial<Omit<UserTable, 'id'>>): Promise<void> {
  await db.updateTable('users').set(patch).where('id', '=', id).execute();
}

export function listAllUsers(db: Db): Promise<User[]> {
  return db.selectFrom('users').selectAll().orderBy('email').execute();
}

/** Removes a user and every row that belongs to them. Returns false if there was no such user. */
export async function deleteUserAndData(db: Kysely<Database>, id: number): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sessions').where('user_id', '=', id).execute();
    await tx.deleteFrom('tokens').where('user_id', '=', id).execute();
    await tx.deleteFrom('subscriptions').where('user_id', '=', id).execute();
    await tx.deleteFrom('digests').where('user_id', '=', id).execute();
    const r = await tx.deleteFrom('users').where('id', '=', id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  });
}

/** A user as the digest sees them. */
export interface DigestUser {
  id: number;
  email: string;
  timeZone: string;
  digestHour: number;
  cadence: UserTable['cadence'];
  includeMinor: boolean;
  /** Highest change id already considered for this user. */
  watermark: number;
}

const RECIPIENT_COLUMNS = [
  'id',
  'email',
  'time_zone',
  'digest_hour',
  'cadence',
  'include_minor',
  'watermark',
] as const;

function recipientsQuery(db: Db) {
  return db
    .selectFrom('users')
    .select(RECIPIENT_COLUMNS)
    .where('confirmed_at', 'is not', null)
    .where('suppressed_at', 'is', null);
}

type RecipientRow = Pick<User, (typeof RECIPIENT_COLUMNS)[number]>;

function digestUser(r: RecipientRow): DigestUser {
  return {
    id: r.id,
    email: r.email,
    timeZone: r.time_zone,
    digestHour: r.digest_hour,
    cadence: r.cadence,
    includeMinor: r.include_minor === 1,
    watermark: r.watermark,
  };
}

/** Confirmed, unsuppressed users: the only ones a digest may go to (double opt-in). */
export async function digestRecipients(db: Db): Promise<DigestUser[]> {
  return (await recipientsQuery(db).execute()).map(digestUser);
}

/**
 * One page of digest recipients by id: at most `limit` of them with an id above `afterId`,
 * ascending. Keyset pagination, so a tick over any number of users holds one page at a time
 * and a page costs the same wherever it starts.
 */
export async function digestRecipientsPage(db: Db, afterId: number, limit: number): Promise<DigestUser[]> {
  const rows = await recipientsQuery(db).where('id', '>', afterId).orderBy('id').limit(limit).execute();
  return rows.map(digestUser);
}

// Sessions

export async function insertSession(db: Db, row: Session): Promise<void> {
  await db.insertInto('sessions').values(row).execute();
}

/** The live session with this id hash and its user. */
export async function findLiveSession(
  db: Db,
  idHash: string,
  nowIso: string,
): Promise<{ session: Session; user: User } | undefined> {
  const session = await db
    .selectFrom('sessions')
    .selectAll()
    .where('id_hash', '=', idHash)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
  if (!session) return undefined;
  const user = await findUserById(db, session.user_id);
  return user ? { session, user } : undefined;
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

export async function deleteUserSessions(db: Db, userId: number): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}

export async function deleteExpiredSessions(db: Db, nowIso: string): Promise<void> {
  await db.deleteFrom('sessions').where('expires_at', '<=', nowIso).execute();
}

// Tokens

export async function insertToken(db: Db, row: Token): Promise<void> {
  await db.insertInto('tokens').values(row).execute();
}

export function findToken(db: Db, hash: string): Promise<Token | undefined> {
  return db.selectFrom('tokens').selectAll().where('hash', '=', hash).executeTakeFirst();
}

/** Marks a token used if it is still unused and unexpired; false if another request was first. */
export async function claimToken(db: Db, hash: string, nowIso: string): Promise<boolean> {
  const r = await db
    .updateTable('tokens')
    .set({ used_at: nowIso })
    .where('hash', '=', hash)
    .where('used_at', 'is', null)
    .where('expires_at', '>', nowIso)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

/** Voids every unused token of one purpose for a user (a new link replaces the old ones). */
export async function voidTokens(db: Db, userId: number, purpose: string, nowIso: string): Promise<void> {
  await db
    .updateTable('tokens')
    .set({ used_at: nowIso })
    .where('user_id', '=', userId)
    .where('purpose', '=', purpose)
    .where('used_at', 'is', null)
    .execute();
}

export async function deleteStaleTokens(db: Db, beforeIso: string): Promise<void> {
  await db.deleteFrom('tokens').where('expires_at', '<', beforeIso).execute();
}
