/** Reading the Cookie header and writing Set-Cookie headers (no plugin needed for two cookies). */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../context.ts';

export function readCookies(req: FastifyRequest): Map<string, string> {
  const out = new Map<string, string>();
  const header = req.headers.cookie;
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    if (out.has(name)) continue;
    const value = part.slice(eq + 1).trim();
    try {
      out.set(name, decodeURIComponent(value));
    } catch {
      // A malformed cookie is ignored, never an error.
    }
  }
  return out;
}

export function readCookie(req: FastifyRequest, name: string): string | undefined {
  return readCookies(req).get(name);
}

export interface CookieOptions {
  /** Lifetime in seconds; undefined: a browser-session cookie; 0: delete. */
  maxAge?: number;
}

/** Whether cookies must carry `Secure`: the site is served over https. */
export function secureCookies(ctx: Context): boolean {
  return ctx.config.baseUrl.startsWith('https:');
}

/** Sets an httpOnly, SameSite=Lax cookie for the whole site (Secure behind https). */
export function setCookie(
  ctx: Context,
  reply: FastifyReply,
  name: string,
  value: string,
  opts: CookieOptions = {},
): void {
  const parts = [`${name}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Lax'];
  if (opts.maxAge !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(opts.maxAge))}`);
  if (opts.maxAge === 0) parts.push('Expires=Thu, 01 Jan 1970 00:00:00 GMT');
  if (secureCookies(ctx)) parts.push('Secure');
  // Fastify appends repeated set-cookie headers instead of replacing them.
  reply.header('set-cookie', parts.join('; '));
}

export function clearCookie(ctx: Context, reply: FastifyReply, name: string): void {
  setCookie(ctx, reply, name, '', { maxAge: 0 });
}
