/** Account administration and settings: add (CLI), list, settings, admin role, delete. */
import type { Context } from '../context.ts';
import type { User } from '../store/schema.ts';
import { subscriptionsByUser, type SubscriptionView } from '../store/subscriptions.ts';
import {
  deleteUserAndData,
  findUserByEmail,
  findUserById,
  insertUser,
  listAllUsers,
  updateUser,
} from '../store/users.ts';
import { AccountError } from './errors.ts';
import { hashPassword, verifyPassword } from './password.ts';
import {
  normalizeEmail,
  validateCadence,
  validateHour,
  validatePassword,
  validateTimeZone,
  type Cadence,
} from './validate.ts';

export interface AddUserInput {
  email: string;
  password?: string;
  confirmed?: boolean;
  admin?: boolean;
  timeZone?: string;
  digestHour?: number | string;
  cadence?: Cadence;
}

/** Creates an account directly (operators): no mail is sent. */
export async function addUser(ctx: Context, input: AddUserInput): Promise<User> {
  const email = normalizeEmail(input.email);
  const passwordHash =
    input.password === undefined ? null : await hashPassword(validatePassword(input.password));
  const nowIso = ctx.now().toISOString();
  const user = await insertUser(ctx.store.db, {
    email,
    password_hash: passwordHash,
    confirmed_at: input.confirmed ? nowIso : null,
    is_admin: input.admin ? 1 : 0,
    time_zone: input.timeZone === undefined ? 'UTC' : validateTimeZone(input.timeZone),
    digest_hour: input.digestHour === undefined ? 7 : validateHour(input.digestHour),
    cadence: input.cadence === undefined ? 'daily' : validateCadence(input.cadence),
    created_at: nowIso,
  });
  if (!user) throw new AccountError('conflict', `A user with the address ${email} already exists.`, 'email');
  return user;
}

export interface UserListing {
  email: string;
  confirmed: boolean;
  admin: boolean;
  timeZone: string;
  digestHour: number;
  cadence: Cadence;
  includeMinor: boolean;
  createdAt: string;
  subscriptions: {
    id: number;
    kind: 'technology' | 'query';
    technology: string | null;
    query: string | null;
    paused: boolean;
    muted: boolean;
  }[];
}

function describe(s: SubscriptionView): UserListing['subscriptions'][number] {
  return {
    id: s.id,
    kind: s.kind,
    technology: s.technology_slug,
    query: s.query,
    paused: s.paused === 1,
    muted: s.muted === 1,
  };
}

export async function listUsers(ctx: Context): Promise<UserListing[]> {
  const users = await listAllUsers(ctx.store.db);
  const subs = await subscriptionsByUser(
    ctx.store.db,
    users.map((u) => u.id),
  );
  return users.map((u) => ({
    email: u.email,
    confirmed: u.confirmed_at !== null,
    admin: u.is_admin === 1,
    timeZone: u.time_zone,
    digestHour: u.digest_hour,
    cadence: u.cadence,
    includeMinor: u.include_minor === 1,
    createdAt: u.created_at,
    subscriptions: (subs.get(u.id) ?? []).map(describe),
  }));
}

export async function requireUserByEmail(ctx: Context, email: string): Promise<User> {
  const user = await findUserByEmail(ctx.store.db, email.trim().toLowerCase());
  if (!user) throw new AccountError('not_found', `No user with the address ${email.trim()}.`, 'email');
  return user;
}

/** Deletes a user and all their personal data (sessions, tokens, subscriptions, digests). */
export async function removeUser(ctx: Context, email: string): Promise<void> {
  const user = await requireUserByEmail(ctx, email);
  await deleteUserAndData(ctx.store.db, user.id);
}

/** Deletes the signed-in user's own account; the current password confirms it when the account has one. */
export async function deleteAccount(
  ctx: Context,
  input: { userId: number; password: string },
): Promise<void> {
  const user = await findUserById(ctx.store.db, input.userId);
  if (!user) return;
  if (user.password_hash && !(await verifyPassword(user.password_hash, input.password))) {
    throw new AccountError('auth', 'Password: wrong password; your account was not deleted.', 'password');
  }
  await deleteUserAndData(ctx.store.db, user.id);
}

export async function setAdmin(ctx: Context, email: string, admin: boolean): Promise<void> {
  const user = await requireUserByEmail(ctx, email);
  await updateUser(ctx.store.db, user.id, { is_admin: admin ? 1 : 0 });
}

export interface SettingsInput {
  digestHour: number | string;
  timeZone: string;
  cadence: string;
  includeMinor: boolean;
}

export async function updateSettings(ctx: Context, userId: number, input: SettingsInput): Promise<void> {
  const patch = {
    digest_hour: validateHour(input.digestHour),
    time_zone: validateTimeZone(input.timeZone),
    cadence: validateCadence(input.cadence),
    include_minor: input.includeMinor ? 1 : 0,
  };
  await updateUser(ctx.store.db, userId, patch);
}
