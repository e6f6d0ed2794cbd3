/** Running the real `kbwatch` program as a child process. */
import { spawn, type ChildProcess } from 'node:child_process';
import { entryArgs } from '../bin/launch.js';

/** Node arguments that start kbwatch: the compiled build when fresh, else the sources via tsx. */
export const KBWATCH_ARGS = entryArgs();

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function startKbwatch(
  args: string[],
  env: Record<string, string>,
): ChildProcess & { output: () => { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [...KBWATCH_ARGS, ...args], {
    env: { ...process.env, KBWATCH_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return Object.assign(child, { output: () => ({ stdout, stderr }) });
}

export function runKbwatch(args: string[], env: Record<string, string>, timeoutMs = 120_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = startKbwatch(args, env);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kbwatch ${args.join(' ')} timed out`));
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ...child.output() });
    });
  });
}

export async function waitFor(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 30_000,
  what = 'condition',
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
