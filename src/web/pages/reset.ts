/**
 * GET/POST /reset (ask for a link; the same answer for every address) and
 * GET/POST /reset/confirm (choose a new password with the link's token).
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { checkResetToken, requestReset, resetPassword } from '../../accounts/reset.ts';
import { LIMITS } from '../../accounts/validate.ts';
import { html } from '../html.ts';
import { anonymousCsrfToken, csrfInput } from '../csrf.ts';
import { ACCOUNT_LIMITS, bucketKey, enforce } from '../ratelimit.ts';
import { currentUser } from '../session.ts';
import { accountError, clientIp, errorBox, field, formBody, sendPage, statusOf } from '../form.ts';

async function requestForm(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  values: { email?: string; error?: string } = {},
) {
  const token = anonymousCsrfToken(ctx, req, reply);
  const body = html`<h1>Reset your password</h1>
${errorBox(values.error)}
<form method="post" action="/reset">
${csrfInput(token)}
<p><label for="email">E-mail address of your account</label><br><input id="email" name="email" type="email" required maxlength="${LIMITS.emailMax}" autocomplete="email" value="${values.email ?? ''}"></p>
<p><button type="submit">Send me a link</button></p>
</form>`;
  return sendPage(reply, status, 'Reset your password', body, await currentUser(ctx, req));
}

export function resetPage(ctx: Context): RouteHandlerMethod {
  return (req, reply) => requestForm(ctx, req, reply, 200);
}

export function resetSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const body = formBody(req);
    const email = field(body, 'email', 'E-mail address');
    await enforce(ctx, 'password reset requests', [
      { bucket: `reset:ip:${clientIp(req)}`, ...ACCOUNT_LIMITS.resetPerIp },
      { bucket: bucketKey('reset:email', email), ...ACCOUNT_LIMITS.resetPerEmail },
    ]);
    let result;
    try {
      result = await requestReset(ctx, { email });
    } catch (err) {
      const e = accountError(err);
      return requestForm(ctx, req, reply, statusOf(e), {
        email: email.slice(0, LIMITS.emailMax),
        error: e.message,
      });
    }
    const page = html`<h1>Check your inbox</h1>
<p>If <strong>${result.email}</strong> belongs to a confirmed account, we sent a link to it. The link works once, within 1 hour.</p>`;
    return sendPage(reply, 200, 'Check your inbox', page, await currentUser(ctx, req));
  };
}

async function newPasswordForm(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  token: string,
  error?: string,
) {
  const csrf = anonymousCsrfToken(ctx, req, reply);
  const body = html`<h1>Choose a new password</h1>
${errorBox(error)}
<form method="post" action="/reset/confirm">
${csrfInput(csrf)}
<input type="hidden" name="token" value="${token}">
<p><label for="password">New password (at least ${LIMITS.passwordMin} characters)</label><br><input id="password" name="password" type="password" required minlength="${LIMITS.passwordMin}" maxlength="${LIMITS.passwordMax}" autocomplete="new-password"></p>
<p><button type="submit">Set password</button></p>
</form>`;
  return sendPage(reply, status, 'Choose a new password', body, await currentUser(ctx, req));
}

async function badLink(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
) {
  const body = html`<h1>This link does not work</h1>
<p class="error" role="alert">${message}</p>
<p><a href="/reset">Ask for a new link</a>.</p>`;
  return sendPage(reply, status, 'Reset failed', body, await currentUser(ctx, req));
}

export function resetConfirmPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const token = String((req.query as Record<string, unknown>).token ?? '').slice(0, 200);
    try {
      await checkResetToken(ctx, token);
    } catch (err) {
      const e = accountError(err);
      return badLink(ctx, req, reply, statusOf(e), e.message);
    }
    return newPasswordForm(ctx, req, reply, 200, token);
  };
}

export function resetConfirmSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const body = formBody(req);
    const token = field(body, 'token', 'Link token');
    const password = field(body, 'password', 'Password');
    await enforce(ctx, 'password changes', [
      { bucket: `reset:ip:${clientIp(req)}`, ...ACCOUNT_LIMITS.resetPerIp },
    ]);
    try {
      await resetPassword(ctx, { token, password });
    } catch (err) {
      const e = accountError(err);
      if (e.field === 'password')
        return newPasswordForm(ctx, req, reply, statusOf(e), token.slice(0, 200), e.message);
      return badLink(ctx, req, reply, statusOf(e), e.message);
    }
    const page = html`<h1>Password changed</h1>
<p>Your new password is set, and every other session of your account has ended. <a href="/login">Log in</a>.</p>`;
    return sendPage(reply, 200, 'Password changed', page, await currentUser(ctx, req));
  };
}
