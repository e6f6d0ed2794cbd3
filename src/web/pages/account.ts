/**
 * GET /account and the POST handlers of its forms: digest settings, add a subscription, and
 * pause/resume/mute/unmute/delete one. Each POST needs the session's CSRF token.
 */
import type { FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import {
  changeSubscription,
  subscribe,
  SUBSCRIPTION_ACTIONS,
  type SubscriptionAction,
} from '../../accounts/subscriptions.ts';
import { updateSettings } from '../../accounts/users.ts';
import { checkSessionCsrf } from '../csrf.ts';
import { notFound } from '../errors.ts';
import { ACCOUNT_LIMITS, enforce } from '../ratelimit.ts';
import { currentUser, requireUser, type CurrentUser } from '../session.ts';
import { accountError, checkbox, field, formBody, seeOther, statusOf, type Form } from '../form.ts';
import { NOTICES, renderAccount } from './account-view.ts';

export function accountPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = await currentUser(ctx, req);
    if (!current) return seeOther(reply, '/login?next=/account');
    const done = (req.query as Record<string, unknown>).done;
    return renderAccount(ctx, reply, current, {
      notice: typeof done === 'string' ? NOTICES[done] : undefined,
    });
  };
}

/** Loads the signed-in user and the form, checking the CSRF token and the per-user limit. */
async function signedInPost(
  ctx: Context,
  req: FastifyRequest,
  reply: Parameters<RouteHandlerMethod>[1],
): Promise<{ current: CurrentUser; body: Form }> {
  const body = formBody(req);
  const current = await requireUser(ctx, req);
  checkSessionCsrf(current, body);
  await enforce(ctx, reply, 'changes to your account', [
    { bucket: `account:user:${current.user.id}`, ...ACCOUNT_LIMITS.accountPerUser },
  ]);
  return { current, body };
}

export function settingsSubmit(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const { current, body } = await signedInPost(ctx, req, reply);
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
    const { current, body } = await signedInPost(ctx, req, reply);
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
    const { id, action } = req.params as { id: string; action: string };
    if (!/^\d{1,9}$/.test(id) || !SUBSCRIPTION_ACTIONS.includes(action as SubscriptionAction)) {
      throw notFound(`No such subscription action: ${req.url.split('?')[0]}`);
    }
    const { current } = await signedInPost(ctx, req, reply);
    try {
      await changeSubscription(ctx, {
        userId: current.user.id,
        subscriptionId: Number(id),
        action: action as SubscriptionAction,
      });
    } catch (err) {
      const e = accountError(err);
      return renderAccount(ctx, reply, current, { status: statusOf(e), error: e.message });
    }
    return seeOther(reply, `/account?done=${action}`);
  };
}
