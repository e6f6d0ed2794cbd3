/** What every command shares: its errors, its configuration and a context on a checked store. */
import { ensureSecret, loadConfig, type Config } from '../config/index.ts';
import { createContext, type Context } from '../context.ts';
import { createLogger } from '../log.ts';
import { connect } from '../store/db.ts';

/** A user-facing failure: printed as its message, exit status 1 (or the given one). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

export function baseConfig(): Config {
  return ensureSecret(loadConfig());
}

/** Runs `fn` with a context on a checked store and closes the store afterwards. */
export async function withContext<T>(
  fn: (ctx: Context) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const config = baseConfig();
  const log = createLogger(config.logLevel);
  const store = await connect(config.databaseUrl, { migrate: opts.migrate });
  try {
    return await fn(createContext(config, store, log));
  } finally {
    await store.close();
  }
}
