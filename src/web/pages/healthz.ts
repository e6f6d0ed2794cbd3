/** GET /healthz — 200 `{"status":"ok"}` when the database answers (a 500 otherwise), never cached. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { ping } from '../../store/health.ts';

export function healthz(ctx: Context): RouteHandlerMethod {
  return async (_req, reply) => {
    await ping(ctx.store.db);
    return reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
  };
}
