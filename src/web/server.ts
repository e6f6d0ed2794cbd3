/**
 * The HTTP server: Fastify with one route table (routes.ts), its guards and schemas checked
 * before any handler, security headers, errors as clear 4xx messages (error-handler.ts), and a
 * listening socket that never shares its port.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type { Context } from '../context.ts';
import { parseQuery, registerBodyParsers } from './bodies.ts';
import { sendError } from './errors.ts';
import { errorHandler } from './error-handler.ts';
import { guard } from './guards.ts';
import { registerRoutes } from './routes.ts';

const SITE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data: https:; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'";

export function buildServer(ctx: Context): FastifyInstance {
  const app = Fastify({
    logger: false,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500, querystringParser: parseQuery },
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    if (!reply.hasHeader('X-Frame-Options') && !reply.hasHeader('Content-Security-Policy')) {
      reply.header('X-Frame-Options', 'DENY');
    }
    if (!reply.hasHeader('Content-Security-Policy')) reply.header('Content-Security-Policy', SITE_CSP);
    return payload;
  });
  app.decorateRequest('user', null);
  app.addHook('preValidation', guard(ctx));
  app.setErrorHandler(errorHandler(ctx));
  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, 404, 'not_found', `Nothing here: ${req.url.split('?')[0]}`),
  );
  registerBodyParsers(app);
  registerRoutes(app, ctx);
  return app;
}

export class PortInUseError extends Error {}

/**
 * Binds exclusively: a second instance on the same port fails with EADDRINUSE (Node never sets
 * SO_REUSEPORT, and SO_REUSEADDR lets a restart bind at once despite TIME_WAIT).
 */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<string> {
  try {
    return await app.listen({ host, port, exclusive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new PortInUseError(
        `port ${port} on ${host} is already in use (EADDRINUSE): another kbwatch or another program is listening there; stop it or choose another port with --port or KBWATCH_PORT`,
      );
    }
    throw err;
  }
}
