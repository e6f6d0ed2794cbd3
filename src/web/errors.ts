/** Errors a visitor or API client sees: a status, a stable code and a clear message. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { html } from './html.ts';
import { page } from './layout.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const notFound = (message: string) => new HttpError(404, 'not_found', message);

function wantsJson(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || (req.headers.accept ?? '').startsWith('application/json');
}

export function sendError(
  req: FastifyRequest,
  reply: FastifyReply,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  reply.code(status);
  if (wantsJson(req)) return reply.type('application/json; charset=utf-8').send({ error: { code, message } });
  return reply.type('text/html; charset=utf-8').send(errorPage(status, message));
}

const HEADINGS: Record<number, string> = {
  400: 'This request cannot be answered',
  401: 'Please log in',
  403: 'Not allowed',
  404: 'Page not found',
  429: 'Too many requests',
  500: 'Something went wrong',
};

/** An error as a full page in the site's look. */
export function errorPage(status: number, message: string): string {
  const heading = HEADINGS[status] ?? (status >= 500 ? HEADINGS[500] : HEADINGS[400]);
  const body = html`<h1>${heading}</h1>
<p>${message}</p>
<p><a href="/">Home</a> · <a href="/search">Search</a> · <a href="/tech">Technologies</a></p>`;
  return page({ title: `${status} ${heading}`, body, noindex: true });
}
