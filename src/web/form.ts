/**
 * Form bodies and the small pieces every account page shares: reading fields (the route's
 * schema has checked them already; these checks are the last line), showing an error,
 * sending a page.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountError } from '../accounts/errors.ts';
import { html, type SafeHtml } from './html.ts';
import { page } from './layout.ts';
import { badRequest, httpErrorOf } from './errors.ts';
import { FIELD_MAX } from './schemas.ts';
import type { CurrentUser } from './session.ts';
import { navUser } from './session.ts';

export type Form = Record<string, string>;

/** The parsed application/x-www-form-urlencoded body, or a 400 for anything else. */
export function formBody(req: FastifyRequest): Form {
  const body = req.body;
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw badRequest('Expected a form (application/x-www-form-urlencoded); nothing was changed.');
  }
  return body as Form;
}

/** A text field ('' when absent). */
export function field(form: Form, name: string, label = name): string {
  const v = Object.hasOwn(form, name) ? form[name] : '';
  if (typeof v !== 'string') throw badRequest(`${label}: expected a single text value; nothing was changed.`);
  if (v.length > FIELD_MAX)
    throw badRequest(
      `${label}: too long (${v.length} characters, at most ${FIELD_MAX}); nothing was changed.`,
    );
  return v;
}

export function checkbox(form: Form, name: string): boolean {
  return Object.hasOwn(form, name) && form[name] !== '' && form[name] !== '0';
}

/** HTTP status for an AccountError shown on a form page (the one table in errors.ts). */
export function statusOf(err: AccountError): number {
  return httpErrorOf(err)?.status ?? 400;
}

/** The error as an AccountError (shown on the form), or rethrown (anything else is not the visitor's fault). */
export function accountError(err: unknown): AccountError {
  if (err instanceof AccountError) return err;
  throw err;
}

export function errorBox(message: string | undefined): SafeHtml | '' {
  return message ? html`<p class="error" role="alert">${message}</p>` : '';
}

export function noticeBox(message: string | undefined): SafeHtml | '' {
  return message ? html`<p class="notice" role="status">${message}</p>` : '';
}

/** Sends a full page; account pages are personal, never cached. */
export function sendPage(
  reply: FastifyReply,
  status: number,
  title: string,
  body: SafeHtml,
  current: CurrentUser | null = null,
): FastifyReply {
  return reply
    .code(status)
    .header('Cache-Control', 'no-store')
    .type('text/html; charset=utf-8')
    .send(page({ title, body, user: navUser(current) }));
}

/** A 303 redirect (after a successful POST). */
export function seeOther(reply: FastifyReply, location: string): FastifyReply {
  return reply.header('Cache-Control', 'no-store').redirect(location, 303);
}

/** A local path to go to after login; anything else (other sites, `//host`) becomes /account. */
export function localPath(next: string | undefined): string {
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && next.length <= 500 ? next : '/account';
}

/** The client address for rate limits (the proxy's view when KBWATCH_TRUST_PROXY is set). */
export function clientIp(req: FastifyRequest): string {
  return req.ip || 'unknown';
}
