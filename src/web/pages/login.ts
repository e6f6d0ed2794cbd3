/** GET/POST /login and POST /logout (the route table checks their form tokens). */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { login } from '../../accounts/sessions.ts';
import { LIMITS } from '../../accounts/validate.ts';
import { html } from '../html.ts';
import { anonymousCsrfToken, csrfInput } from '../csrf.ts';
import { ACCOUNT_LIMITS, bucketKey, enforce } from '../ratelimit.ts';
import { currentUser, setSessionCookie, signOut } from '../session.ts';
import {
  accountError,
  clientIp,
  errorBox,
  field,
  formBody,
  localPath,
  seeOther,
  sendPage,
  statusOf,
} from '../form.ts';

interface Values {
  email?: string;
  next?: string;
  error?: string;
}

async function form(ctx: Context, req: FastifyRequest, reply: FastifyReply, status: number, values: Values) {
  const token = anonymousCsrfToken(ctx, req, reply);
  const current = await currentUser(ctx, req);
  const body = html`<h1>Log in</h1>
${current ? html`<p>You are logged in as ${current.user.email}. <a href="/account">Your account</a></p>` : ''}
${errorBox(values.error)}
<form method="post" action="/login">
${csrfInput(token)}
<input type="hidden" name="next" value="${localPath(values.next)}">
<p><label for="email">E-mail address</label><br><input id="email" name="email" type="email" required maxlength="${LIMITS.emailMax}" autocomplete="username" value="${values.email ?? ''}"></p>
<p><label for="password">Password</label><br><input id="password" name="password" type="password" required maxlength="${LIMITS.passwordMax}" autocomplete="current-password"></p>
<p><button type="submit">Log in</button></p>
</form>
<p><a href="/reset">Forgot your password?</a> · No account yet? <a href="/signup">Sign up</a>.</p>`;
  return sendPage(reply, status, 'Log in', body, current);
}

export function loginPage(ctx: Context): RouteHandlerMethod {
  return (req, reply) => {
    const next = (req.query as Record<string, unknown>).next;
    return form(ctx, req, reply, 200, { next: typeof next === 'string' ? next : undefined });
  };
}

export function loginSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const body = formBody(req);
    const email = field(body, 'email', 'E-mail address');
    const password = field(body, 'password', 'Password');
    const next = localPath(field(body, 'next'));
    await enforce(ctx, 'login attempts', [
      { bucket: `login:ip:${clientIp(req)}`, ...ACCOUNT_LIMITS.loginPerIp },
      { bucket: bucketKey('login:email', email), ...ACCOUNT_LIMITS.loginPerEmail },
    ]);
    try {
      const session = await login(ctx, { email, password });
      setSessionCookie(ctx, reply, session.id);
    } catch (err) {
      const e = accountError(err);
      return form(ctx, req, reply, statusOf(e), {
        email: email.slice(0, LIMITS.emailMax),
        next,
        error: e.message,
      });
    }
    return seeOther(reply, next);
  };
}

export function logoutSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    await signOut(ctx, req, reply);
    return seeOther(reply, '/');
  };
}
