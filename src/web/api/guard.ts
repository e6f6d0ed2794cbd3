/**
 * What every /api/v1 request goes through first: CORS for any origin (GET only, no credentials)
 * and the rate limit per client address, shared by all web processes through the database.
 */
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { clientIp } from '../form.ts';
import { enforce } from '../ratelimit.ts';
import { allowAnyOrigin } from '../widget/headers.ts';

export const API_LIMIT = { max: 300, windowSeconds: 60 };

export function apiBucket(ip: string): string {
  return `api:ip:${ip}`;
}

export function apiGuard(ctx: Context): onRequestAsyncHookHandler {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    allowAnyOrigin(reply);
    await enforce(ctx, 'API requests', [{ bucket: apiBucket(clientIp(req)), ...API_LIMIT }]);
  };
}

/** OPTIONS /api/v1/* — the CORS preflight for GETs with headers beyond the simple ones. */
export function apiPreflight(): RouteHandlerMethod {
  return async (req, reply) => {
    const asked = req.headers['access-control-request-headers'];
    return allowAnyOrigin(reply)
      .header('Access-Control-Allow-Methods', 'GET, HEAD')
      .header(
        'Access-Control-Allow-Headers',
        typeof asked === 'string' && /^[\w\s,-]{1,500}$/.test(asked) ? asked : 'Accept',
      )
      .header('Access-Control-Max-Age', '86400')
      .code(204)
      .send();
  };
}
