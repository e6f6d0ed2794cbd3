/**
 * GET/POST /unsubscribe and /mute: the links in a digest. No login; the signed token is the
 * credential, so these forms need no CSRF token. A GET only shows a page with one button (mail
 * scanners follow links); the POST acts. POST /unsubscribe also serves RFC 8058 one-click
 * requests (body `List-Unsubscribe=One-Click`, form-encoded or multipart; the route table
 * lets these two routes take a multipart body, see bodies.ts).
 */
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { TokenError } from '../../digest/tokens.ts';
import { checkLinkToken, muteByLink, unsubscribeAll } from '../../digest/unsubscribe.ts';
import { html, type SafeHtml } from '../html.ts';
import { page } from '../layout.ts';

function tokenOf(req: FastifyRequest): string {
  const query = (req.query ?? {}) as Record<string, unknown>;
  const body = req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {};
  const value = query.token ?? body.token;
  return typeof value === 'string' ? value : '';
}

function send(reply: FastifyReply, status: number, title: string, body: SafeHtml): FastifyReply {
  return reply
    .code(status)
    .header('Cache-Control', 'no-store')
    .header('X-Robots-Tag', 'noindex')
    .type('text/html; charset=utf-8')
    .send(page({ title, body }));
}

function badLink(reply: FastifyReply, err: unknown): FastifyReply {
  if (!(err instanceof TokenError)) throw err;
  return send(
    reply,
    400,
    'Link not valid',
    html`<h1>This link does not work</h1>
<p class="error" role="alert">${err.message}</p>
<p>You can also manage or stop your digests from <a href="/account">your account</a>.</p>`,
  );
}

function confirmForm(
  action: '/unsubscribe' | '/mute',
  token: string,
  { heading, text, button }: { heading: string; text: string; button: string },
): SafeHtml {
  return html`<h1>${heading}</h1>
<p>${text}</p>
<form method="post" action="${action}?token=${encodeURIComponent(token)}">
<input type="hidden" name="token" value="${token}">
<button type="submit">${button}</button>
</form>`;
}

const UNSUBSCRIBE_QUESTION = {
  heading: 'Stop all kbwatch digests?',
  text: 'Every subscription of this address will be paused and no further digest will be sent.',
  button: 'Unsubscribe',
};
const MUTE_QUESTION = {
  heading: 'Mute this subscription?',
  text: 'Its articles will no longer appear in your digests. Your other subscriptions stay as they are.',
  button: 'Mute',
};

/** GET /unsubscribe?token= — asks, with one button. */
export function unsubscribePage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const token = tokenOf(req);
    try {
      checkLinkToken(ctx, token, 'unsubscribe');
    } catch (err) {
      return badLink(reply, err);
    }
    return send(reply, 200, 'Unsubscribe', confirmForm('/unsubscribe', token, UNSUBSCRIBE_QUESTION));
  };
}

/** POST /unsubscribe — pauses every subscription of the link's address. */
export function unsubscribeSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    try {
      await unsubscribeAll(ctx, tokenOf(req));
    } catch (err) {
      return badLink(reply, err);
    }
    return send(
      reply,
      200,
      'Unsubscribed',
      html`<h1>You are unsubscribed</h1>
<p>No further digests will be sent. To follow technologies again, resume them on <a href="/account">your account page</a>.</p>`,
    );
  };
}

/** GET /mute?token= — asks, with one button. */
export function muteConfirmPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const token = tokenOf(req);
    try {
      checkLinkToken(ctx, token, 'mute');
    } catch (err) {
      return badLink(reply, err);
    }
    return send(reply, 200, 'Mute', confirmForm('/mute', token, MUTE_QUESTION));
  };
}

/** POST /mute — mutes the link's subscription. */
export function muteSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    let label: string;
    try {
      ({ label } = await muteByLink(ctx, tokenOf(req)));
    } catch (err) {
      return badLink(reply, err);
    }
    return send(
      reply,
      200,
      'Muted',
      html`<h1>Muted</h1>
<p>${label} no longer appears in your digests. Unmute it on <a href="/account">your account page</a>.</p>`,
    );
  };
}
