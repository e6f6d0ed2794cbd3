import type { Command } from 'commander';
import { createLogger } from '../log.ts';
import { migrate, openStore } from '../store/db.ts';
import { baseConfig } from './context.ts';

export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('Bring the database schema up to date.')
    .action(async () => {
      const config = baseConfig();
      const log = createLogger(config.logLevel);
      const store = openStore(config.databaseUrl);
      try {
        const applied = await migrate(store);
        log.info(applied.length ? `migrate: applied ${applied.join(', ')}` : 'migrate: schema is up to date');
        console.log(
          applied.length
            ? `applied ${applied.length} migration(s): ${applied.join(', ')}`
            : 'schema is up to date',
        );
      } finally {
        await store.close();
      }
    });
}
