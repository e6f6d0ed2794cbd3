/**
 * What every admin page and form shares: the admin check (anonymous visitors are sent to log
 * in, signed-in non-admins get 403), the session's CSRF token on every POST, the admin
 * navigation, and notices shown after a redirect.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../context.ts';
import { checkSessionCsrf, csrfInput } from '../csrf.ts';
import { formBody, seeOther, sendPage, type Form } from '../form.ts';
import { html, type SafeHtml } from '../html.ts';
import { currentUser, requireAdmin, type CurrentUser } from '../session.ts';

export const ADMIN_SECTIONS = [
  ['/admin', 'Overview'],
  ['/admin/sources', 'Sources'],
  ['/admin/scans', 'Scan runs'],
  ['/admin/outbox', 'Outbox'],
  ['/admin/feedback', 'Feedback'],
  ['/admin/users', 'Users'],
] as const;

/** For GET pages: the admin, or null after redirecting an anonymous visitor to the login page. */
export async function adminOrLogin(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
): Promise<CurrentUser | null> {
  if (!(await currentUser(ctx, req))) {
    seeOther(reply, `/login?next=${encodeURIComponent(req.url)}`);
    return null;
  }
  return requireAdmin(ctx, req);
}

/** For POST forms: the admin (401/403 otherwise) and the form, its CSRF token checked. */
export async function adminPost(
  ctx: Context,
  req: FastifyRequest,
): Promise<{ current: CurrentUser; body: Form }> {
  const current = await requireAdmin(ctx, req);
  const body = formBody(req);
  checkSessionCsrf(current, body);
  return { current, body };
}

/** A one-button form posting to `action` with the session's CSRF token. */
export function actionButton(
  current: CurrentUser,
  action: string,
  label: string,
  extra: SafeHtml | '' = '',
): SafeHtml {
  return html`<form class="inline" method="post" action="${action}">${csrfInput(current.csrf)}${extra}<button type="submit">${label}</button></form>`;
}

function nav(active: string): SafeHtml {
  return html`<nav class="admin-nav" aria-label="Administration"><ul>${ADMIN_SECTIONS.map(
    ([href, label]) =>
      html`<li><a href="${href}"${href === active ? html` aria-current="page"` : ''}>${label}</a></li>`,
  )}</ul></nav>`;
}

/** Notices after a redirect (`?done=<code>`), by code, so no text comes from the URL. */
export function noticeFor(query: unknown, notices: Record<string, string>): SafeHtml | '' {
  const done = (query as Record<string, unknown> | undefined)?.done;
  const text = typeof done === 'string' && Object.hasOwn(notices, done) ? notices[done] : undefined;
  return text ? html`<div class="notice ok" role="status"><p>${text}</p></div>` : '';
}

/** Sends an admin page: never cached, the section marked in the navigation. */
export function sendAdmin(
  reply: FastifyReply,
  current: CurrentUser,
  active: string,
  title: string,
  body: SafeHtml,
  status = 200,
): FastifyReply {
  return sendPage(reply, status, `${title} – admin`, html`${nav(active)}<h1>${title}</h1>${body}`, current);
}

/** Short UTC time for tables: `2024-01-15 08:00`. */
export function shortTime(iso: string | null | undefined): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '–';
}

/** A positive whole-number route parameter, or undefined. */
export function idOf(req: FastifyRequest, name = 'id'): number | undefined {
  const v = (req.params as Record<string, string>)[name];
  return /^\d{1,9}$/.test(v ?? '') ? Number(v) : undefined;
}

export { seeOther };
