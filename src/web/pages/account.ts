/**
 * GET /account and the POST handlers of its forms: digest settings, add a subscription, and
 * pause/resume/mute/unmute/delete one. The route table lets only signed-in users in, each POST
 * with the session's CSRF token; each POST counts against the user's rate limit.
 */
import type { FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { changeSubscription, subscribe, type SubscriptionAction } from '../../accounts/subscriptions.ts';
import { updateSettings } from '../../accounts/users.ts';
import { signedIn, signedInForm } from '../guards.ts';
import { ACCOUNT_LIMITS, enforce } from '../ratelimit.ts';
import type { CurrentUser } from '../session.ts';
import { accountError, checkbox, field, seeOther, statusOf, type Form } from '../form.ts';
import { NOTICES, renderAccount } from './account-view.ts';

export function accountPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = signedIn(req);
    const done = (req.query as Record<string, unknown>).done;
    return renderAccount(ctx, reply, current, {
      notice: typeof done === 'string' ? NOTICES[done] : undefined,
    });
  };
}

/** The signed-in user and the form, counted against the user's limit. */
async function signedInPost(
  ctx: Context,
  req: FastifyRequest,
): Promise<{ current: CurrentUser; body: Form }> {
  const { current, body } = signedInForm(req);
  await enforce(ctx, 'changes to your account', [
    { bucket: `account:user:${current.user.id}`, ...ACCOUNT_LIMITS.accountPerUser },
  ]);
  return { current, body };
}

export function settingsSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { current, body } = await signedInPost(ctx, req);
    const input = {
      digestHour: field(body, 'digestHour', 'Digest hour'),
      timeZone: field(body, 'timeZone', 'Time zone'),
      cadence: field(body, 'cadence', 'Cadence'),
      includeMinor: checkbox(body, 'includeMinor'),
    };
    try {
      await updateSettings(ctx, current.user.id, input);
    } catch (err) {
      const e = accountError(err);
      return renderAccount(ctx, reply, current, { status: statusOf(e), error: e.message });
    }
    return seeOther(reply, '/account?done=settings');
  };
}

export function subscribeSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { current, body } = await signedInPost(ctx, req);
    const technology = field(body, 'technology', 'Technology');
    const query = field(body, 'query', 'Query');
    const userId = current.user.id;
    let created: boolean;
    try {
      const input = Object.hasOwn(body, 'query') ? { userId, query } : { userId, technology };
      created = (await subscribe(ctx, input)).created;
    } catch (err) {
      const e = accountError(err);
      return renderAccount(ctx, reply, current, {
        status: statusOf(e),
        error: e.message,
        technology: technology.slice(0, 200),
        query: query.slice(0, 500),
      });
    }
    return seeOther(reply, `/account?done=${created ? 'subscribed' : 'already'}`);
  };
}

export function subscriptionActionSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { id, action } = req.params as { id: number; action: SubscriptionAction };
    const { current } = await signedInPost(ctx, req);
    try {
      await changeSubscription(ctx, { userId: current.user.id, subscriptionId: id, action });
    } catch (err) {
      const e = accountError(err);
      return renderAccount(ctx, reply, current, { status: statusOf(e), error: e.message });
    }
    return seeOther(reply, `/account?done=${action}`);
  };
}
