import type { Command } from 'commander';

/** user, subscribe, digest and outbox commands. */
export function registerAccountCommands(_program: Command): void {}
