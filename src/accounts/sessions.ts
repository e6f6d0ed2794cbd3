/**
 * Login and logout with sessions kept in the database. The cookie holds 32 random bytes; the
 * table holds only their SHA-256 hash, so a leaked table opens no session.
 */
import type { Context } from '../context.ts';
import {
  deleteExpiredSessions,
  deleteSession,
  deleteStaleTokens,
  findLiveSession,
  findUserByEmail,
  insertSession,
  type Session,
} from '../store/users.ts';
import type { User } from '../store/schema.ts';
import { AccountError } from './errors.ts';
import { verifyPassword } from './password.ts';
import { randomToken, sha256 } from './tokens.ts';
import { LIMITS, normalizeEmail } from './validate.ts';

export const SESSION_LIFETIME_MS = 30 * 24 * 3600_000;

export interface LoginInput {
  email: string;
  password: string;
}

export interface NewSession {
  /** The secret for the cookie. */
  id: string;
  csrf: string;
  expiresAt: Date;
  user: User;
}

const WRONG =
  'Wrong e-mail address or password. (Just signed up? Follow the link in the confirmation e-mail first.)';

export async function login(ctx: Context, input: LoginInput): Promise<NewSession> {
  let email: string;
  try {
    email = normalizeEmail(input.email);
  } catch (err) {
    await verifyPassword(null, 'x');
    throw err;
  }
  if (input.password.length === 0)
    throw new AccountError('invalid', 'Password: please enter your password.', 'password');
  if (input.password.length > LIMITS.passwordMax)
    throw new AccountError(
      'invalid',
      `Password: must be at most ${LIMITS.passwordMax} characters.`,
      'password',
    );
  const user = await findUserByEmail(ctx.store.db, email);
  const ok = await verifyPassword(user?.password_hash, input.password);
  if (!user || !ok) throw new AccountError('auth', WRONG, 'password');
  if (!user.confirmed_at) {
    throw new AccountError(
      'unconfirmed',
      'Please confirm your address first: follow the link in the e-mail we sent you (sign up again to get a new one).',
      'email',
    );
  }
  return startSession(ctx, user);
}

export async function startSession(ctx: Context, user: User): Promise<NewSession> {
  const id = randomToken();
  const csrf = randomToken();
  const now = ctx.now();
  const expiresAt = new Date(now.getTime() + SESSION_LIFETIME_MS);
  await insertSession(ctx.store.db, {
    id_hash: sha256(id),
    user_id: user.id,
    csrf,
    created_at: now.toISOString(),
    expires_at: expiresAt.toISOString(),
  });
  // Now and then, a login clears out what has expired (no scheduler needed).
  if (Math.random() < 0.02) await pruneExpired(ctx);
  return { id, csrf, expiresAt, user };
}

/**
 * Deletes expired sessions, and tokens a week past their expiry (until then a used or expired
 * link still gets its precise message).
 */
export async function pruneExpired(ctx: Context): Promise<void> {
  const now = ctx.now();
  await deleteExpiredSessions(ctx.store.db, now.toISOString());
  await deleteStaleTokens(ctx.store.db, new Date(now.getTime() - 7 * 24 * 3600_000).toISOString());
}

/** The session and user behind a cookie value, if the session is live. */
export async function sessionFor(
  ctx: Context,
  cookie: string | undefined,
): Promise<{ session: Session; user: User } | undefined> {
  if (!cookie || !/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
  return findLiveSession(ctx.store.db, sha256(cookie), ctx.now().toISOString());
}

export async function logout(ctx: Context, cookie: string | undefined): Promise<void> {
  if (cookie) await deleteSession(ctx.store.db, sha256(cookie));
}
