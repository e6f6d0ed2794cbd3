/**
 * The schedule (croner): the nightly scan and the digest tick, in every process that runs jobs.
 * Each cron tick is claimed once across all processes (a unique (job, tick) row), so two workers
 * never run the same tick; a tick missed while every process was down is run once at start-up
 * (`catchUp`). A job never overlaps itself in a process; a failing run is logged and the
 * schedule goes on. `stop` claims nothing more, signals running jobs to wrap up, and waits for
 * them up to a deadline; a tick whose run the stop cut short (a job that stopped with work left,
 * or still runs at the deadline) is given back, so the next process catches it up (the jobs are
 * safe to run again: a scan completes what a stopped one left, a digest tick sends the rest).
 */
import { Cron } from 'croner';
import type { Context } from '../context.ts';
import { PROCESS_OWNER } from '../store/leases.ts';
import { claimTick, lastTick, pruneTicks, releaseTick } from '../store/job-ticks.ts';

export interface Job {
  name: string;
  schedule: string;
  /**
   * `signal` is aborted when the process is stopping: finish the step at hand, then return, with
   * 'unfinished' when work is left (the tick is then given back for the next process to run).
   */
  run(ctx: Context, signal: AbortSignal): Promise<void | 'unfinished'>;
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

/**
 * The jobs of one process: what runs, for which tick, and the stop signal. Every tick being
 * claimed or run is tracked, so `stop` waits for it and no job starts once the process stops.
 */
class Runs {
  /** Each running job, resolving to whether it stopped with work left. */
  readonly running = new Map<string, Promise<boolean>>();
  /** Ticks being claimed or run. */
  readonly ticking = new Set<Promise<void>>();
  /** The tick each running job runs for (none when started by `trigger`). */
  readonly ticks = new Map<string, string>();
  readonly stopping = new AbortController();

  constructor(readonly ctx: Context) {}

  run(job: Job): Promise<boolean> {
    const current = this.running.get(job.name);
    if (current) return current;
    const p = job
      .run(this.ctx, this.stopping.signal)
      .then((r) => r === 'unfinished')
      .catch((err) => {
        this.ctx.log.error(`jobs: ${job.name} failed: ${err instanceof Error ? err.message : String(err)}`);
        return false;
      })
      .finally(() => this.running.delete(job.name));
    this.running.set(job.name, p);
    return p;
  }

  tick(job: Job, tick: Date): Promise<void> {
    const p: Promise<void> = this.claimAndRun(job, tick.toISOString()).finally(() => this.ticking.delete(p));
    this.ticking.add(p);
    return p;
  }

  private async claimAndRun(job: Job, tick: string): Promise<void> {
    if (this.stopping.signal.aborted) return;
    const db = this.ctx.store.db;
    if (!(await claimTick(db, job.name, tick, PROCESS_OWNER, new Date().toISOString()))) return;
    await pruneTicks(db, job.name, new Date(Date.parse(tick) - KEEP_TICKS_MS).toISOString());
    // Claimed as the process stops: not run here, and left to the next process.
    if (this.stopping.signal.aborted) return this.giveBack(job.name, tick);
    this.ticks.set(job.name, tick);
    try {
      if ((await this.run(job)) && this.stopping.signal.aborted) await this.giveBack(job.name, tick);
    } finally {
      if (this.ticks.get(job.name) === tick) this.ticks.delete(job.name);
    }
  }

  /** A tick not run to its end here: its row goes, so the next process's catch-up runs it again. */
  async giveBack(job: string, tick: string): Promise<void> {
    try {
      await releaseTick(this.ctx.store.db, job, tick, PROCESS_OWNER);
      this.ctx.log.info(
        `jobs: ${job}: the tick of ${tick} was cut short by the stop; the next process runs it`,
      );
    } catch (err) {
      this.ctx.log.warn(`jobs: ${job}: could not give the tick of ${tick} back: ${String(err)}`);
    }
  }

  /**
   * Claims nothing more, signals the running jobs and waits for them up to the deadline (a run
   * that stops with work left gives its tick back). Resolves with the jobs still running, whose
   * ticks are given back too: the process is about to exit without them.
   */
  async stop(deadlineMs: number): Promise<string[]> {
    this.stopping.abort();
    const all = Promise.all([...this.running.values(), ...this.ticking]).then(() => true);
    const timer = new Promise<false>((r) => setTimeout(() => r(false), deadlineMs).unref());
    if (await Promise.race([all, timer])) return [];
    const late = [...this.running.keys()];
    for (const job of late) {
      const tick = this.ticks.get(job);
      if (tick) await this.giveBack(job, tick);
    }
    return late;
  }
}

export function startScheduler(ctx: Context, jobs: Job[]): Scheduler {
  const runs = new Runs(ctx);
  const onTick = (job: Job) => (self: Cron) => {
    const tick = self.currentRun() ?? new Date();
    tick.setMilliseconds(0);
    return runs
      .tick(job, tick)
      .catch((err) =>
        ctx.log.error(
          `jobs: ${job.name}: could not claim its tick: ${err instanceof Error ? err.message : String(err)}`,
        ),
      );
  };
  const crons = jobs.map((job) => new Cron(job.schedule, { protect: true }, onTick(job)));
  return {
    stop: async (deadlineMs = 30_000) => {
      crons.forEach((c) => c.stop());
      return runs.stop(deadlineMs);
    },
    trigger: async (name) => {
      const job = jobs.find((j) => j.name === name);
      if (!job) throw new Error(`jobs: no job named ${name}`);
      await runs.run(job);
    },
    catchUp: async () => {
      for (const job of jobs) {
        const last = await lastTick(ctx.store.db, job.name);
        const due = previousRun(job.schedule, new Date());
        if (!last || !due || due.toISOString() <= last) continue;
        ctx.log.info(`jobs: ${job.name}: the tick of ${due.toISOString()} was missed; running it now`);
        void runs
          .tick(job, due)
          .catch((err) =>
            ctx.log.error(
              `jobs: ${job.name}: could not catch up: ${err instanceof Error ? err.message : String(err)}`,
            ),
          );
      }
    },
  };
}
