/**
 * What every command and request handler gets: the validated config, the store, a logger and
 * the mailer (opened on the first message, so contexts that send nothing cost nothing).
 */
import type { Config } from './config/index.ts';
import { now as configNow } from './config/index.ts';
import { lazyMailer, type Mailer } from './deliver/mailer.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/db.ts';

export interface Context {
  config: Config;
  store: Store;
  log: Logger;
  /** The process's mailer for this configuration; its SMTP pool is shared by every send. */
  mailer: Mailer;
  /** The current time (KBWATCH_NOW fixes it). */
  now(): Date;
}

export function createContext(
  config: Config,
  store: Store,
  log: Logger,
  opts: { mailer?: Mailer } = {},
): Context {
  return { config, store, log, mailer: opts.mailer ?? lazyMailer(config), now: () => configNow(config) };
}
