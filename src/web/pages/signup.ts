/**
 * GET/POST /signup. The answer to a valid sign-up is the same page whether or not the address
 * is known; only the mail differs (see accounts/signup.ts).
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { signUp } from '../../accounts/signup.ts';
import { LIMITS } from '../../accounts/validate.ts';
import { html } from '../html.ts';
import { anonymousCsrfToken, csrfInput } from '../csrf.ts';
import { ACCOUNT_LIMITS, bucketKey, enforce } from '../ratelimit.ts';
import { currentUser } from '../session.ts';
import { accountError, clientIp, errorBox, field, formBody, sendPage, statusOf } from '../form.ts';

async function form(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  values: { email?: string; error?: string } = {},
) {
  const token = anonymousCsrfToken(ctx, req, reply);
  const body = html`<h1>Sign up</h1>
<p>Get one e-mail a day, only when articles about the technologies you follow are added or changed.</p>
${errorBox(values.error)}
<form method="post" action="/signup">
${csrfInput(token)}
<p><label for="email">E-mail address</label><br><input id="email" name="email" type="email" required maxlength="${LIMITS.emailMax}" autocomplete="email" value="${values.email ?? ''}"></p>
<p><label for="password">Password (at least ${LIMITS.passwordMin} characters)</label><br><input id="password" name="password" type="password" required minlength="${LIMITS.passwordMin}" maxlength="${LIMITS.passwordMax}" autocomplete="new-password"></p>
<p><button type="submit">Sign up</button></p>
</form>
<p>We send a confirmation link first; nothing else is sent until you follow it. Already have an account? <a href="/login">Log in</a>.</p>`;
  return sendPage(reply, status, 'Sign up', body, await currentUser(ctx, req));
}

export function signupPage(ctx: Context): RouteHandlerMethod {
  return (req, reply) => form(ctx, req, reply, 200);
}

export function signupSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const body = formBody(req);
    const email = field(body, 'email', 'E-mail address');
    const password = field(body, 'password', 'Password');
    await enforce(ctx, 'sign-up attempts', [
      { bucket: `signup:ip:${clientIp(req)}`, ...ACCOUNT_LIMITS.signupPerIp },
      { bucket: bucketKey('signup:email', email), ...ACCOUNT_LIMITS.signupPerEmail },
    ]);
    let result;
    try {
      result = await signUp(ctx, { email, password });
    } catch (err) {
      const e = accountError(err);
      return form(ctx, req, reply, statusOf(e), { email: email.slice(0, LIMITS.emailMax), error: e.message });
    }
    const page = html`<h1>Check your inbox</h1>
<p>We sent a message to <strong>${result.email}</strong>. Follow the link in it within 48 hours to confirm your address.</p>
<p>No message? Look in your spam folder, or <a href="/signup">sign up again</a> to get a new link.</p>`;
    return sendPage(reply, 200, 'Check your inbox', page, await currentUser(ctx, req));
  };
}
