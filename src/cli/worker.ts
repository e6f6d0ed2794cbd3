/** `kbwatch worker`: the schedule without the website (scans and digest ticks only). */
import type { Command } from 'commander';
import type { Context } from '../context.ts';
import { defaultJobs } from '../jobs/jobs.ts';
import { startScheduler } from '../jobs/scheduler.ts';
import { withContext, type Cli } from './context.ts';
import { untilStopped } from './shutdown.ts';

async function worker(cli: Cli, ctx: Context): Promise<void> {
  const scheduler = startScheduler(ctx, defaultJobs(ctx));
  ctx.log.info('worker: running scheduled jobs');
  cli.out('kbwatch worker started');
  // Signals are handled from here on, before any job starts; withContext closes the store after.
  const stopped = untilStopped(ctx.log, 'worker', ctx.config.shutdownMs, {
    scheduler,
    closeStore: async () => {},
  });
  await scheduler.catchUp();
  await stopped;
}

export function registerWorkerCommand(program: Command, cli: Cli): void {
  program
    .command('worker')
    .description('Run scheduled jobs only (nightly scan, digest tick); pair with `serve --no-jobs`.')
    .action(() => withContext(cli, (ctx) => worker(cli, ctx)));
}
