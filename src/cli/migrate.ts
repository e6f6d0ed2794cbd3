/** `kbwatch migrate`: bring the database schema up to date. */
import type { Command } from 'commander';
import { migrate, openStore } from '../store/db.ts';
import { baseConfig, cliLogger, type Cli } from './context.ts';

async function migrateCommand(cli: Cli): Promise<void> {
  const config = baseConfig(cli);
  const log = cliLogger(cli, config);
  // No statement timeout: a migration of a big database may take long, and runs in a transaction.
  const store = openStore(config.databaseUrl, { ...config, dbStatementTimeoutMs: 0 });
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
