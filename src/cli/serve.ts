/**
 * `kbwatch serve`: the website, API and (unless --no-jobs) the scheduler in one process.
 * A fresh database is created and given the default sources; an older schema is refused.
 */
import type { Command } from 'commander';
import { createContext } from '../context.ts';
import { connect, isFreshDatabase, migrate, openStore } from '../store/db.ts';
import { hasAnyScan } from '../store/scans.ts';
import { buildServer, listen, PortInUseError } from '../web/server.ts';
import { startScheduler } from '../jobs/scheduler.ts';
import { defaultJobs } from '../jobs/jobs.ts';
import { addDefaultSources } from '../scan/sources.ts';
import { baseConfig, CliError, cliLogger, type Cli } from './context.ts';
import { untilStopped } from './shutdown.ts';

export function registerServeCommand(program: Command, cli: Cli): void {
  program
    .command('serve')
    .description('Serve the website and API; schedule the nightly scan and the digest tick.')
    .option('--port <port>', 'port to listen on (KBWATCH_PORT)')
    .option('--host <host>', 'address to bind (KBWATCH_HOST)')
    .option('--no-jobs', 'web only: no scans or digests in this process')
    .action(async (opts: { port?: string; host?: string; jobs: boolean }) => {
      const config = baseConfig(cli, {
        ...(opts.port !== undefined ? { KBWATCH_PORT: opts.port } : {}),
        ...(opts.host !== undefined ? { KBWATCH_HOST: opts.host } : {}),
        ...(opts.jobs === false ? { KBWATCH_JOBS: 'false' } : {}),
      });
      const log = cliLogger(cli, config);
      const fresh = await isFreshDatabase(config.databaseUrl, config);
      if (fresh) {
        const s = openStore(config.databaseUrl, { ...config, dbStatementTimeoutMs: 0 });
        await migrate(s).finally(() => s.close());
        log.info('serve: created a new database');
      }
      const store = await connect(config.databaseUrl, config);
      const ctx = createContext(config, store, log);
      if (fresh && config.sources === 'default') await addDefaultSources(ctx);

      const app = buildServer(ctx);
      let address: string;
      try {
        address = await listen(app, config.host, config.port);
      } catch (err) {
        await store.close();
        if (err instanceof PortInUseError) throw new CliError(err.message, 1);
        throw err;
      }
      log.info(`serve: listening on ${address} (${store.dialect})`);
      cli.out(`kbwatch listening on ${address}`);

      const scheduler = config.jobs ? startScheduler(ctx, defaultJobs(ctx)) : undefined;
      // Signals are handled from here on, before any job starts.
      const stopped = untilStopped(log, 'serve', config.shutdownMs, {
        closeHttp: () => app.close(),
        scheduler,
        closeStore: () => store.close(),
      });
      if (scheduler && config.scanOnStart && !(await hasAnyScan(store.db))) {
        log.info('serve: first scan started in the background');
        void scheduler.trigger('scan');
      }
      await scheduler?.catchUp();
      await stopped;
    });
}
