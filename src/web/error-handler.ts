/**
 * What the server answers when a request fails: a schema's refusal as a 400 that names the
 * parameter, a domain error by the one table in errors.ts, any other 4xx of Fastify's as it
 * is; everything else is logged and answered with a plain 500.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';
import { HttpError, httpErrorOf, sendError } from './errors.ts';
import { validationError } from './validation.ts';

/** The visitor-facing form of an error, or undefined when it is a fault on our side. */
export function clientError(req: FastifyRequest, err: unknown): HttpError | undefined {
  const fastifyError = err as Partial<FastifyError>;
  if (fastifyError.validation) return validationError(req, err as FastifyError);
  const mapped = httpErrorOf(err);
  if (mapped) return mapped;
  const status = fastifyError.statusCode;
  if (status && status >= 400 && status < 500)
    return new HttpError(status, fastifyError.code ?? 'bad_request', (err as Error).message);
  return undefined;
}

/** Sets the error's headers (such as Retry-After) and its status. */
export function prepare(reply: FastifyReply, err: HttpError): FastifyReply {
  for (const [name, value] of Object.entries(err.headers)) reply.header(name, value);
  return reply.code(err.status);
}

export function errorHandler(ctx: Context) {
  return (err: unknown, req: FastifyRequest, reply: FastifyReply): FastifyReply => {
    const client = clientError(req, err);
    if (client) return sendError(req, prepare(reply, client), client.status, client.code, client.message);
    const e = err instanceof Error ? err : new Error(String(err));
    ctx.log.error(`web: ${req.method} ${req.url}: ${e.stack ?? e.message}`);
    return sendError(req, reply, 500, 'internal', 'Something went wrong on our side.');
  };
}
