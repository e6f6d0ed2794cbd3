/** GET /confirm?token=: the link from the sign-up mail. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { confirm } from '../../accounts/signup.ts';
import { html } from '../html.ts';
import { currentUser } from '../session.ts';
import { accountError, sendPage, statusOf } from '../form.ts';

export function confirmPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const token = String((req.query as Record<string, unknown>).token ?? '').slice(0, 200);
    const current = await currentUser(ctx, req);
    try {
      const { email } = await confirm(ctx, token);
      const body = html`<h1>Address confirmed</h1>
<p><strong>${email}</strong> is confirmed. <a href="/login">Log in</a> to choose what to follow.</p>`;
      return sendPage(reply, 200, 'Address confirmed', body, current);
    } catch (err) {
      const e = accountError(err);
      const body = html`<h1>This link does not work</h1>
<p class="error" role="alert">${e.message}</p>
<p>To get a new link, <a href="/signup">sign up again</a> with the same address.</p>`;
      return sendPage(reply, statusOf(e), 'Confirmation failed', body, current);
    }
  };
}
