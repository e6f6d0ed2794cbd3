/**
 * The one way tests build a Context: config from test defaults plus overrides, a logger at
 * KBWATCH_TEST_LOG (silent unless set), and a clock that is the system's, fixed by KBWATCH_NOW or
 * moved by the test. `openTestContext` adds a fresh migrated store of one dialect, its own data
 * directory and, on request, a loopback SMTP sink as the mail server; `close()` undoes it all.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../src/config/index.ts';
import { createContext, type Context } from '../src/context.ts';
import { closeMailer } from '../src/deliver/mailer.ts';
import { createLogger } from '../src/log.ts';
import type { Dialect, Store } from '../src/store/db.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';
import { createStore } from './stores.ts';

/** The public base URL of test contexts opened with `openTestContext` (and so of test servers). */
export const TEST_BASE_URL = 'http://kbwatch.test';
/** Where the clock of `openTestContext` starts unless told otherwise. */
export const TEST_START = '2024-02-01T12:00:00Z';

/** A clock the test reads and moves. */
export interface TestClock {
  now: Date;
  advance(ms: number): void;
}

export function testClock(start: string = TEST_START): TestClock {
  const clock = {
    now: new Date(start),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  return clock;
}

export interface TestContextOptions {
  /** Fixes the clock of the config and the context (KBWATCH_NOW). */
  now?: string;
  /** A clock the test moves; the context's `now()` reads it. */
  clock?: TestClock;
  /** Default: a new temporary directory. */
  dataDir?: string;
  /** Settings (KBWATCH_* variables) over the test defaults. */
  env?: Record<string, string>;
}

export function testConfig(store: Store, overrides: TestContextOptions = {}): Config {
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

export function testContext(store: Store, overrides: TestContextOptions = {}): Context {
  const config = testConfig(store, overrides);
  const ctx = createContext(config, store, createLogger(config.logLevel));
  const clock = overrides.clock;
  return clock ? { ...ctx, now: () => new Date(clock.now.getTime()) } : ctx;
}

export interface OpenTestContextOptions {
  /** Settings over the test defaults (the base URL is TEST_BASE_URL). */
  env?: Record<string, string>;
  /** Start an SMTP sink and send mail to it (else mail goes to .eml files in the data directory). */
  smtp?: boolean;
  /** Where the test clock starts (default TEST_START). */
  clockStart?: string;
}

export interface OpenTestContext {
  ctx: Context;
  clock: TestClock;
  dataDir: string;
  /** Closes the mailer, the SMTP sink and the store, and removes the store and the data directory. */
  close(): Promise<void>;
}

export interface OpenMailTestContext extends OpenTestContext {
  sink: SmtpSink;
}

/** A context on a fresh store of `dialect`, with a clock the test moves. */
export async function openTestContext(
  dialect: Dialect,
  opts: OpenTestContextOptions & { smtp: true },
): Promise<OpenMailTestContext>;
export async function openTestContext(
  dialect: Dialect,
  opts?: OpenTestContextOptions,
): Promise<OpenTestContext>;
export async function openTestContext(
  dialect: Dialect,
  opts: OpenTestContextOptions = {},
): Promise<OpenTestContext & { sink?: SmtpSink }> {
  const store = await createStore(dialect);
  const sink = opts.smtp ? await startSmtpSink() : undefined;
  const dataDir = mkdtempSync(join(tmpdir(), 'kbwatch-test-data-'));
  const clock = testClock(opts.clockStart);
  const ctx = testContext(store, {
    dataDir,
    clock,
    env: {
      KBWATCH_BASE_URL: TEST_BASE_URL,
      ...(sink ? { KBWATCH_SMTP_URL: sink.url } : {}),
      ...opts.env,
    },
  });
  return {
    ctx,
    clock,
    dataDir,
    sink,
    async close() {
      await closeMailer(ctx);
      await sink?.close();
      await store.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
