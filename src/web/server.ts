/**
 * The HTTP server: Fastify with one route table (routes.ts), security headers, errors as
 * clear 4xx messages, and a listening socket that never shares its port.
 */
import Fastify, { type FastifyInstance, type FastifyError } from 'fastify';
import type { Context } from '../context.ts';
import { registerRoutes } from './routes.ts';
import { HttpError, sendError } from './errors.ts';

export function buildServer(ctx: Context): FastifyInstance {
  const app = Fastify({
    logger: false,
    trustProxy: ctx.config.trustProxy,
    bodyLimit: 1024 * 1024,
    forceCloseConnections: 'idle',
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 500 },
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    reply.header('X-Content-Type-Options', 'nosniff');
    reply.header('Referrer-Policy', 'same-origin');
    if (!reply.hasHeader('X-Frame-Options') && !reply.hasHeader('Content-Security-Policy')) {
      reply.header('X-Frame-Options', 'DENY');
    }
    if (!reply.hasHeader('Content-Security-Policy')) {
      reply.header(
        'Content-Security-Policy',
        "default-src 'none'; style-src 'self'; img-src 'self' data: https:; script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'",
      );
    }
    return payload;
  });
  app.setErrorHandler((err: FastifyError | HttpError, req, reply) => {
    if (err instanceof HttpError) return sendError(req, reply, err.status, err.code, err.message);
    const status = (err as FastifyError).statusCode;
    if (status && status >= 400 && status < 500)
      return sendError(req, reply, status, (err as FastifyError).code ?? 'bad_request', err.message);
    ctx.log.error(`web: ${req.method} ${req.url}: ${err.stack ?? err.message}`);
    return sendError(req, reply, 500, 'internal', 'Something went wrong on our side.');
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, 404, 'not_found', `Nothing here: ${req.url.split('?')[0]}`),
  );
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
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
