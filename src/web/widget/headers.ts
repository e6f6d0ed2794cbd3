/**
 * Headers of everything meant to be embedded on other sites: cacheable by anyone, readable from
 * any origin without credentials, loadable cross-origin, and never a cookie.
 */
import type { FastifyReply } from 'fastify';

export const WIDGET_CACHE = 'public, max-age=300';

/** CORS for public, credential-free GETs (widget data, API). */
export function allowAnyOrigin(reply: FastifyReply): FastifyReply {
  return reply
    .header('Access-Control-Allow-Origin', '*')
    .header('Cross-Origin-Resource-Policy', 'cross-origin');
}

export function widgetHeaders(reply: FastifyReply): FastifyReply {
  return reply.header('Cache-Control', WIDGET_CACHE).header('Cross-Origin-Resource-Policy', 'cross-origin');
}
