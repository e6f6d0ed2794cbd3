/** GET/POST /account/email (ask to change the address) and GET /account/email/confirm (the link). */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { confirmEmailChange, requestEmailChange } from '../../accounts/email.ts';
import { LIMITS } from '../../accounts/validate.ts';
import { html } from '../html.ts';
import { csrfInput } from '../csrf.ts';
import { signedIn, signedInForm } from '../guards.ts';
import { ACCOUNT_LIMITS, enforce } from '../ratelimit.ts';
import { currentUser, type CurrentUser } from '../session.ts';
import { accountError, errorBox, field, seeOther, sendPage, statusOf } from '../form.ts';

function form(
  reply: FastifyReply,
  current: CurrentUser,
  status: number,
  values: { email?: string; error?: string } = {},
) {
  const body = html`<h1>Change your e-mail address</h1>
<p>Mail now goes to <strong>${current.user.email}</strong>. We send a link to the new address; the change happens when you follow it.</p>
${errorBox(values.error)}
<form method="post" action="/account/email">
${csrfInput(current.csrf)}
<p><label for="email">New e-mail address</label><br><input id="email" name="email" type="email" required maxlength="${LIMITS.emailMax}" autocomplete="email" value="${values.email ?? ''}"></p>
<p><label for="password">Current password</label><br><input id="password" name="password" type="password" required maxlength="${LIMITS.passwordMax}" autocomplete="current-password"></p>
<p><button type="submit">Send confirmation link</button> <a href="/account">Cancel</a></p>
</form>`;
  return sendPage(reply, status, 'Change your e-mail address', body, current);
}

export function emailPage(): RouteHandlerMethod {
  return async (req, reply) => form(reply, signedIn(req), 200);
}

export function emailSubmit(ctx: Context): RouteHandlerMethod {
  return async (req: FastifyRequest, reply) => {
    const { current, body } = signedInForm(req);
    const email = field(body, 'email', 'New e-mail address');
    const password = field(body, 'password', 'Current password');
    await enforce(ctx, 'address changes', [
      { bucket: `email:user:${current.user.id}`, ...ACCOUNT_LIMITS.resetPerEmail },
    ]);
    try {
      await requestEmailChange(ctx, { userId: current.user.id, newEmail: email, password });
    } catch (err) {
      const e = accountError(err);
      return form(reply, current, statusOf(e), { email: email.slice(0, LIMITS.emailMax), error: e.message });
    }
    return seeOther(reply, '/account?done=email');
  };
}

export function emailConfirmPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const token = String((req.query as Record<string, unknown>).token ?? '').slice(0, 200);
    const current = await currentUser(ctx, req);
    try {
      const { email } = await confirmEmailChange(ctx, token);
      if (current) return seeOther(reply, '/account?done=email-changed');
      const body = html`<h1>Address changed</h1><p>Your account now uses <strong>${email}</strong>. <a href="/login">Log in</a></p>`;
      return sendPage(reply, 200, 'Address changed', body, current);
    } catch (err) {
      const e = accountError(err);
      const body = html`<h1>This link does not work</h1>
<p class="error" role="alert">${e.message}</p>
<p>You can ask for a new link on <a href="/account/email">your account page</a>.</p>`;
      return sendPage(reply, statusOf(e), 'Address change failed', body, current);
    }
  };
}
