/**
 * The jobs `serve` and `worker` schedule. Both stop at the step at hand when the process stops;
 * a run the stop reached may have left work, so it reports 'unfinished' and its tick is run again
 * by the next process (a scan then completes, or finds its source up to date; a tick sends the rest).
 */
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
        return signal.aborted ? 'unfinished' : undefined;
      },
    },
    {
      name: 'digest',
      schedule: ctx.config.digestTick,
      run: async (c, signal) => {
        await runDigestJob(c, signal);
        return signal.aborted ? 'unfinished' : undefined;
      },
    },
  ];
}
