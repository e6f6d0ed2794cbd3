/**
 * What every admin page and form shares: the admin navigation, one-button forms with the
 * session's CSRF token, and notices shown after a redirect. Who may see the pages and send the
 * forms is declared in the route table (guards.ts: anonymous visitors are sent to log in,
 * signed-in non-admins get 403, every POST needs the session's token).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { csrfInput } from '../csrf.ts';
import { seeOther, sendPage } from '../form.ts';
import { signedIn, signedInForm } from '../guards.ts';
import { html, type SafeHtml } from '../html.ts';
import type { CurrentUser } from '../session.ts';

export const ADMIN_SECTIONS = [
  ['/admin', 'Overview'],
  ['/admin/sources', 'Sources'],
  ['/admin/scans', 'Scan runs'],
  ['/admin/outbox', 'Outbox'],
  ['/admin/feedback', 'Feedback'],
  ['/admin/users', 'Users'],
] as const;

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

/** The route's id parameter (a positive whole number: the route's schema checked it). */
export function idOf(req: FastifyRequest, name = 'id'): number | undefined {
  const v = (req.params as Record<string, unknown>)[name];
  return typeof v === 'number' ? v : undefined;
}

export { seeOther, signedIn, signedInForm };
