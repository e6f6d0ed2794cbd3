/**
 * The one way tests start the real kbwatch server: `buildServer(ctx)` listening on a loopback
 * port, over a fresh test context of one dialect (test/context.ts: store, clock, optional SMTP
 * sink, setting overrides) or over a context the test already has.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../src/context.ts';
import type { Dialect } from '../src/store/db.ts';
import { buildServer } from '../src/web/server.ts';
import { Browser } from './browser.ts';
import {
  openTestContext,
  type OpenMailTestContext,
  type OpenTestContext,
  type OpenTestContextOptions,
} from './context.ts';

export { TEST_BASE_URL } from './context.ts';

export interface ServeOptions {
  /** Default: a free port. */
  port?: number;
  /** Adds routes before the server starts listening. */
  routes?: (app: FastifyInstance, ctx: Context) => void;
}

export interface ServedApp {
  ctx: Context;
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  url: string;
  /** A new cookie-keeping client of this server. */
  browser(): Browser;
  close(): Promise<void>;
}

export type TestServer = OpenTestContext & ServedApp;
export type MailTestServer = OpenMailTestContext & ServedApp;
export type TestServerOptions = OpenTestContextOptions & ServeOptions;

async function serve(ctx: Context, opts: ServeOptions): Promise<ServedApp> {
  const app = buildServer(ctx);
  opts.routes?.(app, ctx);
  await app.listen({ host: '127.0.0.1', port: opts.port ?? 0 });
  const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return { ctx, app, url, browser: () => new Browser(url), close: () => app.close() };
}

/** Serves `ctx` (closing stops the server only) or a new test context of `dialect` (closing ends both). */
export async function startTestServer(ctx: Context, opts?: ServeOptions): Promise<ServedApp>;
export async function startTestServer(
  dialect: Dialect,
  opts: TestServerOptions & { smtp: true },
): Promise<MailTestServer>;
export async function startTestServer(dialect: Dialect, opts?: TestServerOptions): Promise<TestServer>;
export async function startTestServer(
  from: Dialect | Context,
  opts: TestServerOptions = {},
): Promise<ServedApp | TestServer> {
  if (typeof from !== 'string') return serve(from, opts);
  const t = await openTestContext(from, opts);
  let s: ServedApp;
  try {
    s = await serve(t.ctx, opts);
  } catch (err) {
    await t.close();
    throw err;
  }
  return {
    ...t,
    ...s,
    async close() {
      await s.close();
      await t.close();
    },
  };
}
