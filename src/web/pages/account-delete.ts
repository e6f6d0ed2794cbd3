/** GET/POST /account/delete: a confirmation page, then the account and all its data are gone. */
import type { FastifyReply, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { deleteAccount } from '../../accounts/users.ts';
import { LIMITS } from '../../accounts/validate.ts';
import { html } from '../html.ts';
import { csrfInput } from '../csrf.ts';
import { signedIn, signedInForm } from '../guards.ts';
import { ACCOUNT_LIMITS, enforce } from '../ratelimit.ts';
import { signOut, type CurrentUser } from '../session.ts';
import { accountError, errorBox, field, sendPage, statusOf } from '../form.ts';

function form(reply: FastifyReply, current: CurrentUser, status: number, error?: string) {
  const body = html`<h1>Delete your account</h1>
<p>This deletes your account for <strong>${current.user.email}</strong> with everything that belongs to it: your subscriptions, digest settings and the record of digests sent. It cannot be undone.</p>
${errorBox(error)}
<form method="post" action="/account/delete">
${csrfInput(current.csrf)}
${current.user.password_hash ? html`<p><label for="password">Your password, to confirm</label><br><input id="password" name="password" type="password" required maxlength="${LIMITS.passwordMax}" autocomplete="current-password"></p>` : ''}
<p><label><input type="checkbox" name="confirm" value="yes" required> Yes, delete my account and all its data</label></p>
<p><button type="submit">Delete my account</button> <a href="/account">Cancel</a></p>
</form>`;
  return sendPage(reply, status, 'Delete your account', body, current);
}

export function deletePage(): RouteHandlerMethod {
  return async (req, reply) => form(reply, signedIn(req), 200);
}

export function deleteSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { current, body } = signedInForm(req);
    const password = field(body, 'password', 'Password');
    await enforce(ctx, 'attempts', [
      { bucket: `delete:user:${current.user.id}`, ...ACCOUNT_LIMITS.loginPerEmail },
    ]);
    if (field(body, 'confirm', 'Confirmation') !== 'yes')
      return form(reply, current, 400, 'Tick the box to confirm that you want your account deleted.');
    try {
      await deleteAccount(ctx, { userId: current.user.id, password });
    } catch (err) {
      const e = accountError(err);
      return form(reply, current, statusOf(e), e.message);
    }
    await signOut(ctx, req, reply);
    const page = html`<h1>Account deleted</h1><p>Your account and all its data are gone. Thank you for using kbwatch.</p>`;
    return sendPage(reply, 200, 'Account deleted', page, null);
  };
}
