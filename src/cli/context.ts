/**
 * What every command shares: where it reads its settings and writes its output (`Cli`), its
 * errors, its configuration and a context on a checked store.
 */
import { ensureSecret, loadConfig, type Config, type OptionName } from '../config/index.ts';
import { createContext, type Context } from '../context.ts';
import { createLogger, type Logger } from '../log.ts';
import { connect } from '../store/db.ts';

/** Somewhere to write text: process.stdout, process.stderr or a test's buffer. */
export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

/** The environment and output streams of one run of the command line. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: Output;
  stderr: Output;
}

/** What a command gets besides its arguments: its environment, its streams and its exit status. */
export interface Cli extends CliIo {
  /** Writes one line to stdout. */
  out(line: string): void;
  /** The exit status when the command ends without an error (0 unless a command sets it). */
  exitCode: number;
}

export function createCli(io: CliIo): Cli {
  return { ...io, out: (line) => void io.stdout.write(line + '\n'), exitCode: 0 };
}

/** A user-facing failure: printed as its message, exit status 1 (or the given one). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The configuration from the run's environment; `overrides` (from flags) win. */
export function baseConfig(cli: Cli, overrides: Partial<Record<OptionName, string>> = {}): Config {
  return ensureSecret(loadConfig(cli.env, overrides));
}

/** A logger at the configured level, writing to the run's stderr. */
export function cliLogger(cli: Cli, config: Config): Logger {
  return createLogger(config.logLevel, (line) => void cli.stderr.write(line + '\n'));
}

/** Runs `fn` with a context on a checked store and closes the store afterwards. */
export async function withContext<T>(
  cli: Cli,
  fn: (ctx: Context) => Promise<T>,
  opts: { migrate?: boolean } = {},
): Promise<T> {
  const config = baseConfig(cli);
  const store = await connect(config.databaseUrl, { ...config, migrate: opts.migrate });
  try {
    return await fn(createContext(config, store, cliLogger(cli, config)));
  } finally {
    await store.close();
  }
}
