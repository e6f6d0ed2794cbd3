/**
 * Running `git` safely: no shell, only the file, https and ssh transports (never `ext::`),
 * no credential prompts, a time limit and a cap on the output kept in memory.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';

export interface GitRunOptions {
  /** Directory the command runs in (the mirror, or its parent for a clone). */
  cwd: string;
  timeoutMs: number;
  /** Output beyond this many bytes fails the command (default 256 MiB). */
  maxOutputBytes?: number;
  /** Written to the command's standard input, which is closed afterwards. */
  input?: string;
}

export const DEFAULT_MAX_OUTPUT = 256 * 1024 * 1024;

/** The environment of every git command: the caller's, hardened. */
export function gitEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    GIT_ALLOW_PROTOCOL: 'file:https:ssh',
    GIT_TERMINAL_PROMPT: '0',
    GIT_SSH_COMMAND: process.env.GIT_SSH_COMMAND ?? 'ssh -o BatchMode=yes',
    GCM_INTERACTIVE: 'never',
    LC_ALL: 'C',
  };
}

/** Options every command gets: no protocol that runs programs, no repository-controlled helpers, no background work outliving the command. */
export const SAFE_CONFIG = [
  '-c',
  'protocol.ext.allow=never',
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'gc.autoDetach=false',
];

/** Starts git in its own process group, so that stopping it also stops its helpers (remote transports, ssh). */
export function spawnGit(args: string[], cwd: string): ChildProcessWithoutNullStreams {
  return spawn('git', [...SAFE_CONFIG, ...args], {
    cwd,
    env: gitEnv(),
    shell: false,
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: process.platform !== 'win32',
  });
}

/** Stops a git command started by spawnGit, with the processes it started. */
export function killGit(child: ChildProcessWithoutNullStreams): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    if (child.pid !== undefined && process.platform !== 'win32') process.kill(-child.pid, 'SIGKILL');
    else child.kill('SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}

export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(message);
  }
}

/** The line of git's stderr that says what went wrong (the first `fatal:`/`error:` line, else the last line). */
export function stderrSummary(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
  const fatal = lines.find((l) => /^(fatal|error):/i.test(l));
  return (fatal ?? lines[lines.length - 1] ?? 'no error output').slice(0, 500);
}

/** A URL fit for messages: user and password removed. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** Runs git and resolves with its standard output; rejects on a non-zero exit, timeout or too much output. */
export function runGit(args: string[], opts: GitRunOptions): Promise<Buffer> {
  const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
  return new Promise((resolve, reject) => {
    const child = spawnGit(args, opts.cwd);
    const out: Buffer[] = [];
    let outBytes = 0;
    let stderr = '';
    let failure: string | null = null;
    const stop = (why: string) => {
      failure ??= why;
      killGit(child);
    };
    const timer = setTimeout(() => stop(`timed out after ${opts.timeoutMs} ms`), opts.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length;
      if (outBytes > max) stop(`output larger than ${max} bytes`);
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 64 * 1024) stderr += chunk.toString('utf8');
    });
    child.on('error', (err) => stop(`could not run git: ${err.message}`));
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure) reject(new GitCommandError(failure, stderr, code));
      else if (code !== 0) reject(new GitCommandError(stderrSummary(stderr), stderr, code));
      else resolve(Buffer.concat(out));
    });
  });
}

/** `git --version` as `2.39.5`. */
export async function gitVersion(timeoutMs = 10_000): Promise<string> {
  const out = (await runGit(['--version'], { cwd: process.cwd(), timeoutMs })).toString('utf8');
  const m = /git version (\S+)/.exec(out);
  if (!m) throw new Error(`git source: unexpected "git --version" output: ${out.trim()}`);
  return m[1];
}
