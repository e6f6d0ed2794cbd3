/** The jobs `serve` and `worker` schedule. */
import type { Context } from '../context.ts';
import type { Job } from './scheduler.ts';
import { scanAll } from '../scan/run.ts';
import { runDigestJob } from './digest.ts';

export function defaultJobs(ctx: Context): Job[] {
  return [
    {
      name: 'scan',
      schedule: ctx.config.scanSchedule,
      run: async (c, signal) => {
        await scanAll(c, { signal });
      },
    },
    { name: 'digest', schedule: ctx.config.digestTick, run: runDigestJob },
  ];
}
