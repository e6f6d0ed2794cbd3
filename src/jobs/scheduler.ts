/**
 * In-process schedule (croner): the nightly scan and the digest tick. A job never overlaps
 * itself; a failing run is logged and the schedule goes on.
 */
import { Cron } from 'croner';
import type { Context } from '../context.ts';

export interface Job {
  name: string;
  schedule: string;
  run(ctx: Context): Promise<void>;
}

export interface Scheduler {
  stop(): void;
  /** Runs a job now, unless it is already running. Resolves when it ends. */
  trigger(name: string): Promise<void>;
}

export function startScheduler(ctx: Context, jobs: Job[]): Scheduler {
  const running = new Map<string, Promise<void>>();
  const runJob = (job: Job): Promise<void> => {
    const current = running.get(job.name);
    if (current) return current;
    const p = job
      .run(ctx)
      .catch((err) =>
        ctx.log.error(`jobs: ${job.name} failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => running.delete(job.name));
    running.set(job.name, p);
    return p;
  };
  const crons = jobs.map((job) => new Cron(job.schedule, { protect: true }, () => runJob(job)));
  return {
    stop: () => crons.forEach((c) => c.stop()),
    trigger: async (name) => {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`jobs: no job named ${name}`);
      await runJob(job);
    },
  };
}
