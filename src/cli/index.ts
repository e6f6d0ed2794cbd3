/**
 * The `kbwatch` command line: one file per command, registered here. `runCli` takes the
 * environment and the output streams of the run (the entry point passes the process's) and
 * returns the exit status. Commands get a Context (config, store, logger) through `withContext`
 * (cli/context.ts), which checks the schema first.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.ts';
import { SchemaError, StoreConnectionError } from '../store/db.ts';
import { CliError, createCli, type Cli, type CliIo } from './context.ts';
import { registerSourceCommands } from './source.ts';
import { registerScanCommand } from './scan.ts';
import { registerQueryCommands } from './query.ts';
import { registerServeCommand } from './serve.ts';
import { registerMigrateCommand } from './migrate.ts';
import { registerUserCommands } from './users.ts';
import { registerDigestCommands } from './digest.ts';
import { registerWorkerCommand } from './worker.ts';

export type { CliIo, Output } from './context.ts';

export function buildProgram(cli: Cli): Command {
  const program = new Command('kbwatch')
    .description('Knowledge-base alerts: scan sources, search the archive, send one digest a day.')
    .configureOutput({
      writeOut: (text) => void cli.stdout.write(text),
      writeErr: (text) => void cli.stderr.write(text),
    })
    .showHelpAfterError()
    .exitOverride();
  registerSourceCommands(program, cli);
  registerScanCommand(program, cli);
  registerQueryCommands(program, cli);
  registerServeCommand(program, cli);
  registerMigrateCommand(program, cli);
  registerUserCommands(program, cli);
  registerDigestCommands(program, cli);
  registerWorkerCommand(program, cli);
  return program;
}

/** Runs one command line; resolves to its exit status (0 success, 1 error, 2 a scan that failed). */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const cli = createCli(io);
  try {
    await buildProgram(cli).parseAsync(argv);
    return cli.exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode;
    if (
      err instanceof CliError ||
      err instanceof ConfigError ||
      err instanceof SchemaError ||
      err instanceof StoreConnectionError
    ) {
      cli.stderr.write(`kbwatch: ${err.message}\n`);
      return err instanceof CliError ? err.exitCode : 1;
    }
    cli.stderr.write(`kbwatch: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    return 1;
  }
}
