/** Errors a visitor or API client sees: a status, a stable code and a clear message. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { escapeHtml } from './html.ts';

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);

function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || (req.headers.accept ?? '').startsWith('application/json');
}

export function sendError(req: FastifyRequest, reply: FastifyReply, status: number, code: string, message: string): FastifyReply {
  reply.code(status);
  if (wantsJson(req)) return reply.type('application/json; charset=utf-8').send({ error: { code, message } });
  return reply
    .type('text/html; charset=utf-8')
    .send(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${status} – kbwatch</title></head><body><main><h1>${status}</h1><p>${escapeHtml(message)}</p><p><a href="/">Home</a></p></main></body></html>`);
}
