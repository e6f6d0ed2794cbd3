/**
 * How requests arrive: query strings (an empty value counts as absent, so `?page=` is no page
 * at all) and form bodies (urlencoded, parsed to an object of strings; multipart only on the
 * one-click unsubscribe routes, whose token is in the URL, so the body is read and dropped).
 */
import { parse } from 'node:querystring';
import { errorCodes, type FastifyInstance, type FastifyRequest } from 'fastify';

const ONE_CLICK_BODY_LIMIT = 16 * 1024;

export function parseQuery(text: string): Record<string, unknown> {
  const query: Record<string, unknown> = parse(text);
  for (const [name, value] of Object.entries(query)) if (value === '') delete query[name];
  return query;
}

async function oneClickBody(req: FastifyRequest, payload: AsyncIterable<Buffer>): Promise<object> {
  if (!req.routeOptions.config.oneClick)
    throw new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE(req.headers['content-type'] ?? '');
  let size = 0;
  for await (const chunk of payload) {
    size += chunk.length;
    if (size > ONE_CLICK_BODY_LIMIT) throw new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE();
  }
  return {};
}

export function registerBodyParsers(app: FastifyInstance): void {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  app.addContentTypeParser('multipart/form-data', oneClickBody);
}
