/**
 * How `serve` and `worker` stop. The first SIGTERM (or SIGINT) stops claiming new work, lets
 * running work finish for up to KBWATCH_SHUTDOWN_SECONDS (HTTP requests in flight, a scan's
 * current batch, the messages a digest tick has in flight; claimed mail not yet started is
 * released), then the process exits. A second signal, or the deadline, exits at once: unfinished
 * work is then released when its lease expires and finished by the next process.
 */
import type { Logger } from '../log.ts';
import type { Scheduler } from '../jobs/scheduler.ts';

export interface Stoppable {
  /** Stops accepting requests and waits for those in flight (serve only). */
  closeHttp?: () => Promise<void>;
  scheduler?: Scheduler;
  closeStore: () => Promise<void>;
}

/** Resolves once the process has stopped cleanly after a signal; exits the process otherwise. */
export function untilStopped(log: Logger, who: string, deadlineMs: number, parts: Stoppable): Promise<void> {
  return new Promise<void>((resolve) => {
    let stopping = false;
    const onSignal = (signal: string) => {
      if (stopping) {
        log.warn(
          `${who}: ${signal} again: exiting at once; unfinished work is taken over when its lease expires`,
        );
        process.exit(1);
      }
      stopping = true;
      log.info(
        `${who}: ${signal}: claiming nothing more, waiting up to ${deadlineMs / 1000} s for running work`,
      );
      void drain(log, who, deadlineMs, parts).then(resolve);
    };
    process.on('SIGTERM', () => onSignal('SIGTERM'));
    process.on('SIGINT', () => onSignal('SIGINT'));
  });
}

async function drain(log: Logger, who: string, deadlineMs: number, parts: Stoppable): Promise<void> {
  const [, unfinished] = await Promise.all([parts.closeHttp?.(), parts.scheduler?.stop(deadlineMs) ?? []]);
  if (unfinished.length > 0) {
    log.warn(
      `${who}: ${unfinished.join(', ')} still running after ${deadlineMs / 1000} s; exiting, the next process finishes it`,
    );
    process.exit(1);
  }
  await parts.closeStore();
  log.info(`${who}: stopped`);
}
