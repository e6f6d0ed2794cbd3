/** `kbwatch migrate`: bring the database schema up to date. */
import type { Command } from 'commander';
import { migrate, openStore } from '../store/db.ts';
import { baseConfig, cliLogger, type Cli } from './context.ts';

async function migrateCommand(cli: Cli): Promise<void> {
  const config = baseConfig(cli);
  const log = cliLogger(cli, config);
  const store = openStore(config.databaseUrl);
  try {
    const applied = await migrate(store);
    log.info(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: schema is up to date');
    cli.out(
      applied.length
        ? `applied ${applied.length} migration(s): ${applied.join(', ')}`
        : 'schema is up to date',
    );
  } finally {
    await store.close();
  }
}

export function registerMigrateCommand(program: Command, cli: Cli): void {
  program
    .command('migrate')
    .description('Bring the database schema up to date.')
    .action(() => migrateCommand(cli));
}
