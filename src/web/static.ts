/**
 * Static assets, read once at start: served with a content ETag and a year-long cache. Pages
 * link them with the ETag as a version (`/static/site.css?v=…`), so a new build busts caches.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { RouteHandlerMethod } from 'fastify';

interface Asset {
  body: Buffer;
  type: string;
  etag: string;
  version: string;
}

function load(name: string, type: string): Asset {
  const file = new URL(`./static/${name}`, import.meta.url);
  let body: Buffer;
  try {
    body = readFileSync(file);
  } catch (err) {
    throw new Error(
      `web: unable to read static asset ${name}: ${err instanceof Error ? err.message : String(err)}`,
      { cause: err },
    );
  }
  const version = createHash('sha256').update(body).digest('base64url').slice(0, 16);
  return { body, type, etag: `"${version}"`, version };
}

const ASSETS: Record<string, Asset> = {
  'site.css': load('site.css', 'text/css; charset=utf-8'),
};

/** The URL pages use for an asset, versioned by its content. */
export function assetUrl(name: keyof typeof ASSETS & string): string {
  return `/static/${name}?v=${ASSETS[name].version}`;
}

/** Whether an If-None-Match header names this ETag (weak or strong, or `*`). */
export function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const tag = t.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

/** GET /static/:name */
export function staticAsset(): RouteHandlerMethod {
  return async (req, reply) => {
    const { name } = req.params as { name: string };
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) return reply.callNotFound();
    reply.header('ETag', asset.etag).header('Cache-Control', 'public, max-age=31536000, immutable');
    if (etagMatches(req.headers['if-none-match'], asset.etag)) return reply.code(304).send();
    return reply.type(asset.type).send(asset.body);
  };
}
