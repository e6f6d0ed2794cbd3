/** GET /admin/users — every user; POST /admin/users/:id/admin and /suppress toggle the admin role and mail suppression. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { suppressQueued } from '../../store/digests.ts';
import { countSubscriptionsByUser } from '../../store/subscriptions.ts';
import { findUserById, listAllUsers, updateUser } from '../../store/users.ts';
import { badRequest, notFound } from '../errors.ts';
import { field } from '../form.ts';
import { html } from '../html.ts';
import {
  actionButton,
  idOf,
  noticeFor,
  seeOther,
  sendAdmin,
  shortTime,
  signedIn,
  signedInForm,
} from './common.ts';

const NOTICES = {
  admin: 'The user is now an administrator.',
  member: 'The user is no longer an administrator.',
  suppressed: 'No more mail goes to this address; its queued digests are withdrawn.',
  unsuppressed: 'Mail to this address is allowed again.',
};

const on = (value: string) => html`<input type="hidden" name="on" value="${value}">`;

export function adminUsersPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = signedIn(req);
    const db = ctx.store.db;
    const [users, subCount] = await Promise.all([listAllUsers(db), countSubscriptionsByUser(db)]);
    const rows = users.map((u) => {
      const self = u.id === current.user.id;
      return html`<tr><th scope="row">${u.email}</th><td>${u.confirmed_at ? 'yes' : 'no'}</td><td>${u.is_admin === 1 ? 'admin' : 'member'}</td>
<td>${u.suppressed_at ? `since ${shortTime(u.suppressed_at)}` : u.hard_bounces > 0 ? `no (${u.hard_bounces} bounces)` : 'no'}</td><td>${subCount.get(u.id) ?? 0}</td><td>${shortTime(u.created_at)}</td>
<td>${self ? '(you)' : u.is_admin === 1 ? actionButton(current, `/admin/users/${u.id}/admin`, 'Revoke admin', on('0')) : actionButton(current, `/admin/users/${u.id}/admin`, 'Make admin', on('1'))}
${u.suppressed_at ? actionButton(current, `/admin/users/${u.id}/suppress`, 'Allow mail', on('0')) : actionButton(current, `/admin/users/${u.id}/suppress`, 'Suppress', on('1'))}</td></tr>`;
    });
    const body = html`${noticeFor(req.query, NOTICES)}
<div class="table-wrap" tabindex="0" role="region" aria-label="Users"><table class="data">
<caption>${users.length} user${users.length === 1 ? '' : 's'}</caption>
<thead><tr><th scope="col">E-mail</th><th scope="col">Confirmed</th><th scope="col">Role</th><th scope="col">Suppressed</th><th scope="col">Subscriptions</th><th scope="col">Joined</th><th scope="col">Actions</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
    return sendAdmin(reply, current, '/admin/users', 'Users', body);
  };
}

async function target(ctx: Context, id: number | undefined) {
  const user = id === undefined ? undefined : await findUserById(ctx.store.db, id);
  if (!user) throw notFound(`admin: no user with id ${id ?? '?'}`);
  return user;
}

function flag(body: Record<string, string>): boolean {
  const v = field(body, 'on');
  if (v !== '0' && v !== '1') throw badRequest('admin: the form must say on=1 or on=0');
  return v === '1';
}

export function adminSetAdmin(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { current, body } = signedInForm(req);
    const user = await target(ctx, idOf(req));
    const admin = flag(body);
    if (user.id === current.user.id && !admin)
      throw badRequest('admin: you cannot revoke your own admin role; ask another administrator');
    await updateUser(ctx.store.db, user.id, { is_admin: admin ? 1 : 0 });
    return seeOther(reply, `/admin/users?done=${admin ? 'admin' : 'member'}`);
  };
}

export function adminSuppressUser(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { body } = signedInForm(req);
    const user = await target(ctx, idOf(req));
    if (flag(body)) {
      await updateUser(ctx.store.db, user.id, {
        suppressed_at: user.suppressed_at ?? ctx.now().toISOString(),
      });
      await suppressQueued(ctx.store.db, user.id, 'suppressed by an administrator');
      return seeOther(reply, '/admin/users?done=suppressed');
    }
    await updateUser(ctx.store.db, user.id, { suppressed_at: null, hard_bounces: 0 });
    return seeOther(reply, '/admin/users?done=unsuppressed');
  };
}
