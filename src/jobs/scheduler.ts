/**
 * The schedule (croner): the nightly scan and the digest tick, in every process that runs jobs.
 * Each cron tick is claimed once across all processes (a unique (job, tick) row), so two workers
 * never run the same tick; a tick missed while every process was down is run once at start-up
 * (`catchUp`). A job never overlaps itself in a process; a failing run is logged and the
 * schedule goes on. `stop` claims nothing more, signals running jobs to wrap up, and waits for
 * them up to a deadline.
 */
import { Cron } from 'croner';
import type { Context } from '../context.ts';
import { PROCESS_OWNER } from '../store/leases.ts';
import { claimTick, lastTick, pruneTicks } from '../store/job-ticks.ts';

export interface Job {
  name: string;
  schedule: string;
  /** `signal` is aborted when the process is stopping: finish the step at hand, then return. */
  run(ctx: Context, signal: AbortSignal): Promise<void>;
}

export interface Scheduler {
  /**
   * Claims nothing more and asks running jobs to finish; resolves with the names of the jobs
   * still running when `deadlineMs` passed (empty when all finished in time).
   */
  stop(deadlineMs?: number): Promise<string[]>;
  /** Runs a job now (outside the cron ticks), unless it is already running. Resolves when it ends. */
  trigger(name: string): Promise<void>;
  /** Runs once each job whose latest scheduled tick was missed while no process ran it. */
  catchUp(): Promise<void>;
}

const KEEP_TICKS_MS = 30 * 86_400_000;

/** The latest time at or before `now` that `pattern` fires, if within a year. */
export function previousRun(pattern: string, now: Date): Date | null {
  const cron = new Cron(pattern, { paused: true });
  for (const windowMs of [
    600_000,
    3_600_000,
    86_400_000,
    8 * 86_400_000,
    32 * 86_400_000,
    366 * 86_400_000,
  ]) {
    let run = cron.nextRun(new Date(now.getTime() - windowMs));
    if (!run || run > now) continue;
    for (let next = cron.nextRun(run); next && next <= now; next = cron.nextRun(next)) run = next;
    return run;
  }
  return null;
}

export function startScheduler(ctx: Context, jobs: Job[]): Scheduler {
  const running = new Map<string, Promise<void>>();
  const stopping = new AbortController();
  const runJob = (job: Job): Promise<void> => {
    const current = running.get(job.name);
    if (current) return current;
    const p = job
      .run(ctx, stopping.signal)
      .catch((err) =>
        ctx.log.error(`jobs: ${job.name} failed: ${err instanceof Error ? err.message : String(err)}`),
      )
      .finally(() => running.delete(job.name));
    running.set(job.name, p);
    return p;
  };
  const runTick = async (job: Job, tick: Date): Promise<void> => {
    if (stopping.signal.aborted) return;
    const db = ctx.store.db;
    const at = new Date().toISOString();
    if (!(await claimTick(db, job.name, tick.toISOString(), PROCESS_OWNER, at))) return;
    await pruneTicks(db, job.name, new Date(tick.getTime() - KEEP_TICKS_MS).toISOString());
    await runJob(job);
  };
  const onTick = (job: Job) => (self: Cron) => {
    const tick = self.currentRun() ?? new Date();
    tick.setMilliseconds(0);
    return runTick(job, tick).catch((err) =>
      ctx.log.error(
        `jobs: ${job.name}: could not claim its tick: ${err instanceof Error ? err.message : String(err)}`,
      ),
    );
  };
  const crons = jobs.map((job) => new Cron(job.schedule, { protect: true }, onTick(job)));
  return {
    stop: async (deadlineMs = 30_000) => {
      crons.forEach((c) => c.stop());
      stopping.abort();
      const all = Promise.all(running.values()).then(() => true);
      const timer = new Promise<false>((r) => setTimeout(() => r(false), deadlineMs).unref());
      return (await Promise.race([all, timer])) ? [] : [...running.keys()];
    },
    trigger: async (name) => {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`jobs: no job named ${name}`);
      await runJob(job);
    },
    catchUp: async () => {
      for (const job of jobs) {
        const last = await lastTick(ctx.store.db, job.name);
        const due = previousRun(job.schedule, new Date());
        if (!last || !due || due.toISOString() <= last) continue;
        ctx.log.info(`jobs: ${job.name}: the tick of ${due.toISOString()} was missed; running it now`);
        void runTick(job, due);
      }
    },
  };
}
