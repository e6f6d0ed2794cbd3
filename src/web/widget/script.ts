/** GET /widget.js — the script widget (see client.ts), cacheable, loadable from any site. */
import type { RouteHandlerMethod } from 'fastify';
import { createHash } from 'node:crypto';
import { WIDGET_JS } from './client.ts';
import { widgetHeaders } from './headers.ts';

const ETAG = `"${createHash('sha256').update(WIDGET_JS).digest('base64url').slice(0, 32)}"`;

export function widgetScript(): RouteHandlerMethod {
  return async (req, reply) => {
    widgetHeaders(reply).type('text/javascript; charset=utf-8').header('ETag', ETAG);
    if (req.headers['if-none-match'] === ETAG) return reply.code(304).send();
    return reply.send(WIDGET_JS);
  };
}
