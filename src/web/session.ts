/**
 * Who is asking: the signed-in user behind the `kbw_session` cookie, looked up once per
 * request. `requireUser` and `requireAdmin` throw a clear 401/403; the route guards
 * (guards.ts) use them.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { SESSION_LIFETIME_MS, logout, sessionFor, startSession } from '../accounts/sessions.ts';
import type { User } from '../store/schema.ts';
import { clearCookie, readCookie, setCookie } from './cookies.ts';
import { HttpError } from './errors.ts';

export const SESSION_COOKIE = 'kbw_session';

export interface CurrentUser {
  user: User;
  /** The session's CSRF token, for forms of signed-in users. */
  csrf: string;
}

const cache = new WeakMap<FastifyRequest, Promise<CurrentUser | null>>();

/** The signed-in user, or null (no cookie, unknown or expired session). */
export function currentUser(ctx: Context, req: FastifyRequest): Promise<CurrentUser | null> {
  let p = cache.get(req);
  if (!p) {
    p = sessionFor(ctx, readCookie(req, SESSION_COOKIE)).then((s) =>
      s ? { user: s.user, csrf: s.session.csrf } : null,
    );
    cache.set(req, p);
  }
  return p;
}

/** The 401 for a request that needs a session and has none. */
export function loginRequired(): HttpError {
  return new HttpError(
    401,
    'login_required',
    'You are not logged in (or your session has ended): log in at /login and try again.',
  );
}

export async function requireUser(ctx: Context, req: FastifyRequest): Promise<CurrentUser> {
  const current = await currentUser(ctx, req);
  if (!current) throw loginRequired();
  return current;
}

export async function requireAdmin(ctx: Context, req: FastifyRequest): Promise<CurrentUser> {
  const current = await requireUser(ctx, req);
  if (current.user.is_admin !== 1)
    throw new HttpError(403, 'forbidden', 'This page is for administrators only.');
  return current;
}

/** What the page shell shows in its header. */
export function navUser(current: CurrentUser | null): { email: string; isAdmin: boolean } | null {
  return current ? { email: current.user.email, isAdmin: current.user.is_admin === 1 } : null;
}

/** Starts a session for the user and sets its cookie (a fresh id at every login). */
export async function signIn(ctx: Context, reply: FastifyReply, user: User): Promise<void> {
  const s = await startSession(ctx, user);
  setSessionCookie(ctx, reply, s.id);
}

export function setSessionCookie(ctx: Context, reply: FastifyReply, id: string): void {
  setCookie(ctx, reply, SESSION_COOKIE, id, { maxAge: SESSION_LIFETIME_MS / 1000 });
}

/** Ends the request's session (if any) and clears its cookie. */
export async function signOut(ctx: Context, req: FastifyRequest, reply: FastifyReply): Promise<void> {
  await logout(ctx, readCookie(req, SESSION_COOKIE));
  clearCookie(ctx, reply, SESSION_COOKIE);
  cache.set(req, Promise.resolve(null));
}
