/**
 * The `kbwatch` command line: one file per command, registered here. Commands get a Context
 * (config, store, logger) through `withContext` (cli/context.ts), which checks the schema first.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/index.ts';
import { SchemaError } from '../store/db.ts';
import { CliError } from './context.ts';
import { registerSourceCommands } from './source.ts';
import { registerScanCommand } from './scan.ts';
import { registerQueryCommands } from './query.ts';
import { registerServeCommand } from './serve.ts';
import { registerMigrateCommand } from './migrate.ts';
import { registerUserCommands } from './users.ts';
import { registerDigestCommands } from './digest.ts';
import { registerWorkerCommand } from './worker.ts';

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
