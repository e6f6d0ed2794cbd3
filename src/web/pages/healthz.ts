import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { sql } from 'kysely';

export function healthz(ctx: Context): RouteHandlerMethod {
  return async (_req, reply) => {
    await sql`SELECT 1`.execute(ctx.store.db);
    return reply.header('Cache-Control', 'no-store').send({ status: 'ok' });
  };
}
