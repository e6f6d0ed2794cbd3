/**
 * Validators and conditional GET (RFC 9110): a strong ETag from the body's hash, Last-Modified
 * from the newest item, and 304 Not Modified when If-None-Match (which wins) or
 * If-Modified-Since says the client already has this version.
 */
import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export function etagOf(body: string): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

function opaque(tag: string): string {
  return tag.trim().replace(/^W\//, '');
}

/** Whether an If-None-Match header value names the tag (weak comparison, as for GET). */
export function etagMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((t) => opaque(t) === opaque(etag));
}

/** Whether a resource last modified at `lastModified` is unchanged since the header's date. */
export function notModifiedSince(header: string, lastModified: Date): boolean {
  const since = Date.parse(header);
  if (Number.isNaN(since)) return false;
  return Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

/**
 * Sets ETag and Last-Modified on the reply and sends either 304 (no body) or the body.
 * The caller sets Content-Type and Cache-Control first.
 */
export function sendWithValidators(
  req: FastifyRequest,
  reply: FastifyReply,
  body: string,
  lastModified: Date,
): FastifyReply {
  const etag = etagOf(body);
  reply.header('ETag', etag).header('Last-Modified', lastModified.toUTCString());
  const inm = req.headers['if-none-match'];
  const ims = req.headers['if-modified-since'];
  const fresh =
    inm !== undefined ? etagMatches(inm, etag) : ims !== undefined && notModifiedSince(ims, lastModified);
  if (fresh) return reply.code(304).send();
  return reply.send(body);
}
