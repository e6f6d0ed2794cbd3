/** What every command and request handler gets: the validated config, the store and a logger. */
import type { Config } from './config/index.ts';
import { now as configNow } from './config/index.ts';
import type { Logger } from './log.ts';
import type { Store } from './store/db.ts';

export interface Context {
  config: Config;
  store: Store;
  log: Logger;
  /** The current time (KBWATCH_NOW fixes it). */
  now(): Date;
}

export function createContext(config: Config, store: Store, log: Logger): Context {
  return { config, store, log, now: () => configNow(config) };
}
