/** A Context for tests: config from defaults plus overrides, a silent logger, a given store. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../src/config/index.ts';
import { createContext, type Context } from '../src/context.ts';
import { createLogger } from '../src/log.ts';
import type { Store } from '../src/store/db.ts';

export function testConfig(
  store: Store,
  overrides: { now?: string; dataDir?: string; env?: Record<string, string> } = {},
): Config {
  const dataDir = overrides.dataDir ?? mkdtempSync(join(tmpdir(), 'kbwatch-data-'));
  return loadConfig({
    KBWATCH_DATA_DIR: dataDir,
    KBWATCH_DATABASE_URL: store.url,
    KBWATCH_SECRET: 'test-secret-0123456789abcdef',
    KBWATCH_LOG_LEVEL: process.env.KBWATCH_TEST_LOG ?? 'silent',
    KBWATCH_SOURCES: 'none',
    ...(overrides.now ? { KBWATCH_NOW: overrides.now } : {}),
    ...overrides.env,
  });
}

export function testContext(
  store: Store,
  overrides: { now?: string; dataDir?: string; env?: Record<string, string> } = {},
): Context {
  const config = testConfig(store, overrides);
  return createContext(config, store, createLogger(config.logLevel));
}
