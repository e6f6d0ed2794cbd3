/**
 * CSRF protection for every form that changes something.
 * - Signed-in forms carry the session's own token (sessions.csrf).
 * - Anonymous forms (sign-up, login, reset) carry a signed double-submit token: the random
 *   `kbw_csrf` cookie, HMAC-signed with the site secret. A page on another site can neither
 *   read the cookie nor compute the signature.
 * A POST without a valid token is refused with 403 before anything is read or stored.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { html, type SafeHtml } from './html.ts';
import { readCookie, setCookie } from './cookies.ts';
import { HttpError } from './errors.ts';
import type { CurrentUser } from './session.ts';

export const CSRF_COOKIE = 'kbw_csrf';
export const CSRF_FIELD = '_csrf';

const COOKIE_SHAPE = /^[A-Za-z0-9_-]{22,64}$/;
const seenCookie = new WeakMap<FastifyRequest, string>();

function sign(ctx: Context, nonce: string): string {
  return createHmac('sha256', ctx.config.secret).update(`csrf:${nonce}`).digest('base64url');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token for an anonymous form; sets the `kbw_csrf` cookie when the browser has none yet. */
export function anonymousCsrfToken(ctx: Context, req: FastifyRequest, reply: FastifyReply): string {
  let nonce = seenCookie.get(req) ?? readCookie(req, CSRF_COOKIE);
  if (!nonce || !COOKIE_SHAPE.test(nonce)) {
    nonce = randomBytes(18).toString('base64url');
    setCookie(ctx, reply, CSRF_COOKIE, nonce);
  }
  seenCookie.set(req, nonce);
  return sign(ctx, nonce);
}

/** The hidden form field carrying a token. */
export function csrfInput(token: string): SafeHtml {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${token}">`;
}

const REFUSED =
  'This form has expired or did not come from this site (missing or wrong security token), so nothing was changed. Go back, reload the page and send the form again.';

function submitted(body: unknown): string {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[CSRF_FIELD] : undefined;
  return typeof v === 'string' ? v : '';
}

/** Throws 403 unless the body carries a valid anonymous token for this browser's cookie. */
export function checkAnonymousCsrf(ctx: Context, req: FastifyRequest, body: unknown): void {
  const token = submitted(body);
  const nonce = readCookie(req, CSRF_COOKIE);
  if (!token || !nonce || !COOKIE_SHAPE.test(nonce) || !same(token, sign(ctx, nonce)))
    throw new HttpError(403, 'csrf', REFUSED);
}

/** Throws 403 unless the body carries the signed-in session's token. */
export function checkSessionCsrf(current: CurrentUser, body: unknown): void {
  const token = submitted(body);
  if (!token || !same(token, current.csrf)) throw new HttpError(403, 'csrf', REFUSED);
}
