/**
 * The `kbwatch` command line: one file per command, registered here. Commands get a Context
 * (config, store, logger) through `withContext`, which checks the schema first.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError, ensureSecret, loadConfig, type Config } from '../config/index.ts';
import { createContext, type Context } from '../context.ts';
import { createLogger } from '../log.ts';
import { connect, SchemaError } from '../store/db.ts';
import { registerSourceCommands } from './source.ts';
import { registerScanCommand } from './scan.ts';
import { registerQueryCommands } from './query.ts';
import { registerServeCommand } from './serve.ts';
import { registerMigrateCommand } from './migrate.ts';
import { registerUserCommands } from './users.ts';
import { registerDigestCommands } from './digest.ts';
import { registerWorkerCommand } from './worker.ts';

/** A user-facing failure: printed as its message, exit status 1 (or the given one). */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
  }
}

export function baseConfig(): Config {
  return ensureSecret(loadConfig());
}

/** Runs `fn` with a context on a checked store and closes the store afterwards. */
export async function withContext<T>(fn: (ctx: Context) => Promise<T>, opts: { migrate?: boolean } = {}): Promise<T> {
  const config = baseConfig();
  const log = createLogger(config.logLevel);
  const store = await connect(config.databaseUrl, { migrate: opts.migrate });
  try {
    return await fn(createContext(config, store, log));
  } finally {
    await store.close();
  }
}

export function buildProgram(): Command {
  const program = new Command('kbwatch')
    .description('Knowledge-base alerts: scan sources, search the archive, send one digest a day.')
    .showHelpAfterError()
    .exitOverride();
  registerSourceCommands(program);
  registerScanCommand(program);
  registerQueryCommands(program);
  registerServeCommand(program);
  registerMigrateCommand(program);
  registerUserCommands(program);
  registerDigestCommands(program);
  registerWorkerCommand(program);
  return program;
}

export async function runCli(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    if (err instanceof CliError || err instanceof ConfigError || err instanceof SchemaError) {
      process.stderr.write(`kbwatch: ${err.message}\n`);
      process.exitCode = err instanceof CliError ? err.exitCode : 1;
      return;
    }
    process.stderr.write(`kbwatch: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  }
}
