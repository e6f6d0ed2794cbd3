/**
 * A context for account tests: a migrated store of the given dialect, a loopback SMTP sink
 * as the mail server and a clock the test can move.
 */
import { tmpdir } from 'node:os';
import { loadConfig } from '../src/config/index.ts';
import { createContext, type Context } from '../src/context.ts';
import { silentLogger } from '../src/log.ts';
import type { Dialect } from '../src/store/db.ts';
import { closeMailer } from '../src/deliver/mailer.ts';
import { createStore } from './stores.ts';
import { startSmtpSink, type SmtpSink } from './smtp-sink.ts';

export interface AccountsTestContext {
  ctx: Context;
  sink: SmtpSink;
  clock: { now: Date; advance(ms: number): void };
  close(): Promise<void>;
}

export async function accountsContext(
  dialect: Dialect,
  env: Record<string, string> = {},
): Promise<AccountsTestContext> {
  const store = await createStore(dialect);
  const sink = await startSmtpSink();
  const config = loadConfig({
    KBWATCH_DATA_DIR: tmpdir(),
    KBWATCH_SMTP_URL: sink.url,
    KBWATCH_SECRET: 'test-secret-for-accounts',
    KBWATCH_BASE_URL: 'http://kbwatch.test',
    KBWATCH_LOG_LEVEL: 'silent',
    ...env,
  });
  const clock = {
    now: new Date('2026-01-15T10:00:00Z'),
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  const ctx: Context = {
    ...createContext(config, store, silentLogger),
    now: () => new Date(clock.now.getTime()),
  };
  return {
    ctx,
    sink,
    clock,
    async close() {
      await closeMailer(ctx);
      await sink.close();
      await store.close();
    },
  };
}
