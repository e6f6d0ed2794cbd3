/**
 * Who may use a route and which token its form carries, declared in the route table as route
 * options (`config: { access, form }`) and checked by one hook before the route's schema and
 * handler:
 * - `access: 'admin'`: anonymous GETs go to the login page, others get 403; POSTs without a
 *   session get 401. `access: 'user'`: signed-in users (GETs go to the login page, POSTs 401).
 * - `form`: the body must be a form, with the session's CSRF token (`'session'`: when there is
 *   a session), the visitor's (`'visitor'`: the session's if signed in, else the anonymous
 *   one) or the anonymous double-submit token (`'anonymous'`).
 * The handler then finds the signed-in user on the request (`signedIn(req)`).
 */
import type { FastifyReply, FastifyRequest, preValidationAsyncHookHandler } from 'fastify';
import type { Context } from '../context.ts';
import { checkAnonymousCsrf, checkSessionCsrf } from './csrf.ts';
import { formBody, seeOther, type Form } from './form.ts';
import { currentUser, loginRequired, requireAdmin, requireUser, type CurrentUser } from './session.ts';

export type Access = 'admin' | 'user';
export type FormToken = 'session' | 'visitor' | 'anonymous';

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    form?: FormToken;
    /** RFC 8058 one-click: a multipart body is accepted and ignored (the token is in the URL). */
    oneClick?: boolean;
  }
  interface FastifyRequest {
    /** The signed-in user, set by the guard of routes that declare `access` or `form`. */
    user: CurrentUser | null;
  }
}

/** Route options: admins only. */
export const ADMIN = { access: 'admin', form: 'session' } as const;
/** Route options: signed-in users only. */
export const USER = { access: 'user', form: 'session' } as const;

function isPage(req: FastifyRequest): boolean {
  return req.method === 'GET' || req.method === 'HEAD';
}

/**
 * The login page, and back afterwards: admin pages to the very address (their filters
 * included), account pages to their own path.
 */
function loginUrl(req: FastifyRequest, access: Access): string {
  return access === 'admin'
    ? `/login?next=${encodeURIComponent(req.url)}`
    : `/login?next=${req.routeOptions.url ?? '/account'}`;
}

/** Lets the visitor through (true), or answers: a redirect to log in, 401 or 403. */
async function admit(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  access: Access,
): Promise<boolean> {
  if (isPage(req) && !req.user) {
    seeOther(reply, loginUrl(req, access));
    return false;
  }
  await (access === 'admin' ? requireAdmin(ctx, req) : requireUser(ctx, req));
  return true;
}

function checkForm(ctx: Context, req: FastifyRequest, token: FormToken): void {
  const body = formBody(req);
  if (token === 'anonymous' || (token === 'visitor' && !req.user)) checkAnonymousCsrf(ctx, req, body);
  else if (req.user) checkSessionCsrf(req.user, body);
}

/** The one hook that enforces `access` and `form` of every route. */
export function guard(ctx: Context): preValidationAsyncHookHandler {
  return async (req, reply) => {
    const { access, form } = req.routeOptions.config;
    if (!access && !form) return;
    req.user = await currentUser(ctx, req);
    if (access && !(await admit(ctx, req, reply, access))) return reply;
    if (form && !isPage(req)) checkForm(ctx, req, form);
  };
}

/** The user the route's guard let through (401 if the route has no guard that asks for one). */
export function signedIn(req: FastifyRequest): CurrentUser {
  if (!req.user) throw loginRequired();
  return req.user;
}

/** The signed-in user and the form their POST carried (checked by the guard). */
export function signedInForm(req: FastifyRequest): { current: CurrentUser; body: Form } {
  return { current: signedIn(req), body: formBody(req) };
}
