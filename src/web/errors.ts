/**
 * Errors a visitor or API client sees: a status, a stable code and a clear message. One table
 * maps the domain's errors (a query that does not parse, a refused account action, a bad
 * source, an unknown address, too many requests…) to their status and code, so an error a
 * handler does not catch is still a 4xx that says what is wrong, never a 500.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccountError, type AccountErrorCode } from '../accounts/errors.ts';
import { TokenError } from '../digest/tokens.ts';
import { QueryError } from '../query/errors.ts';
import { SourceError } from '../scan/sources.ts';
import { AdvancedFormError } from './advanced-query.ts';
import { html } from './html.ts';
import { page } from './layout.ts';

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** Headers the answer carries, such as Retry-After. */
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(message);
  }
}

/** Nothing at this address: no such article, revision, technology, source… */
export class NotFoundError extends Error {
  override name = 'NotFoundError';
}

/** Too many requests from one client in a short time; `retryAfter` in seconds. */
export class RateLimitedError extends Error {
  override name = 'RateLimitedError';
  constructor(
    message: string,
    readonly retryAfter: number,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new HttpError(400, code, message);
export const notFound = (message: string) => new NotFoundError(message);

interface DomainError {
  matches(err: unknown): boolean;
  status: number;
  code: string;
}

const is =
  (type: abstract new (...args: never[]) => Error) =>
  (err: unknown): boolean =>
    err instanceof type;
const account =
  (code: AccountErrorCode, field?: boolean) =>
  (err: unknown): boolean =>
    err instanceof AccountError && err.code === code && (field === undefined || Boolean(err.field) === field);

/** Every domain error the web answers for, with its one status and code (first match wins). */
export const DOMAIN_ERRORS: readonly DomainError[] = [
  { matches: is(QueryError), status: 400, code: 'invalid_query' },
  { matches: is(AdvancedFormError), status: 400, code: 'invalid_form' },
  { matches: is(SourceError), status: 400, code: 'invalid_source' },
  { matches: is(TokenError), status: 400, code: 'invalid_token' },
  { matches: account('invalid'), status: 400, code: 'invalid' },
  { matches: account('token'), status: 400, code: 'invalid_token' },
  // An unknown name typed in a form field is a mistake in the form, not a missing page.
  { matches: account('not_found', true), status: 400, code: 'invalid' },
  { matches: account('not_found', false), status: 404, code: 'not_found' },
  { matches: account('auth'), status: 401, code: 'auth' },
  { matches: account('unconfirmed'), status: 403, code: 'unconfirmed' },
  { matches: account('conflict'), status: 409, code: 'conflict' },
  { matches: is(NotFoundError), status: 404, code: 'not_found' },
  { matches: is(RateLimitedError), status: 429, code: 'rate_limited' },
];

/** The HTTP form of a domain error (or of an HttpError), or undefined for anything else. */
export function httpErrorOf(err: unknown): HttpError | undefined {
  if (err instanceof HttpError) return err;
  const rule = DOMAIN_ERRORS.find((r) => r.matches(err));
  if (!rule) return undefined;
  const headers: Record<string, string> =
    err instanceof RateLimitedError ? { 'Retry-After': String(err.retryAfter) } : {};
  return new HttpError(rule.status, rule.code, (err as Error).message, headers);
}

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
