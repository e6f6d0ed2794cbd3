/**
 * A real kbwatch server for web tests: a migrated store of the given dialect, a fixed clock,
 * `buildServer(ctx)` listening on a free loopback port.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../src/config/index.ts';
import { createContext, type Context } from '../src/context.ts';
import { silentLogger } from '../src/log.ts';
import type { Dialect } from '../src/store/db.ts';
import { buildServer } from '../src/web/server.ts';
import { createStore } from './stores.ts';

export const TEST_BASE_URL = 'http://kbwatch.test';

export interface WebTestServer {
  ctx: Context;
  app: FastifyInstance;
  /** http://127.0.0.1:<port> */
  url: string;
  dataDir: string;
  close(): Promise<void>;
}

export async function startWebServer(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<WebTestServer> {
  const store = await createStore(dialect);
  const dataDir = mkdtempSync(join(tmpdir(), 'kbwatch-web-'));
  const config = loadConfig({
    KBWATCH_DATA_DIR: dataDir,
    KBWATCH_SECRET: 'test-secret-for-web',
    KBWATCH_BASE_URL: TEST_BASE_URL,
    KBWATCH_LOG_LEVEL: 'silent',
    KBWATCH_SOURCES: 'none',
    ...env,
  });
  const ctx: Context = {
    ...createContext(config, store, silentLogger),
    now: () => new Date('2024-02-01T12:00:00Z'),
  };
  const app = buildServer(ctx);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    ctx,
    app,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    async close() {
      await app.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
