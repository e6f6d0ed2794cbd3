/**
 * The real knowledge-base data beside the project (`../shared/kb`). The bare repositories there
 * are read-only and lack a `refs/` folder, so tests use a writable copy with one.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, chmodSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const SHARED_DIR = resolve(process.env.KBWATCH_SHARED_DIR ?? join(process.cwd(), '..', 'shared'));
export const KB_DIR = join(SHARED_DIR, 'kb');

/** Why tests needing the shared data are skipped, or false. Never skips when CI=true. */
export function sharedSkipReason(file = 'support-articles.git'): string | false {
  if (existsSync(join(KB_DIR, file))) return false;
  if (process.env.CI === 'true') throw new Error(`${join(KB_DIR, file)} is missing and CI=true`);
  return `shared data not found at ${join(KB_DIR, file)}`;
}

function makeWritable(dir: string): void {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    chmodSync(p, st.isDirectory() ? 0o755 : 0o644);
    if (st.isDirectory()) makeWritable(p);
  }
}

const copies = new Map<string, string>();

/** A writable copy of a shared bare repository; returns its path (use `file://` + path as a remote). */
export function repoCopy(name: 'support-articles.git' | 'office-support.git'): string {
  const cached = copies.get(name);
  if (cached) return cached;
  const dir = join(mkdtempSync(join(tmpdir(), 'kbwatch-kb-')), name);
  cpSync(join(KB_DIR, name), dir, { recursive: true });
  chmodSync(dir, 0o755);
  makeWritable(dir);
  mkdirSync(join(dir, 'refs', 'heads'), { recursive: true });
  mkdirSync(join(dir, 'refs', 'tags'), { recursive: true });
  copies.set(name, dir);
  return dir;
}

export function git(repo: string, args: string[]): string {
  return execFileSync('git', ['--git-dir', repo, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
}

export interface Day {
  commit: string;
  date: string;
}

/** Every commit of the repository, oldest first, with its day. */
export function days(repo: string): Day[] {
  return git(repo, ['log', '--reverse', '--format=%H %ad', '--date=short', 'main'])
    .trim()
    .split('\n')
    .map((l) => {
      const [commit, date] = l.split(' ');
      return { commit, date };
    });
}

export interface GitChange {
  status: string;
  path: string;
  oldPath?: string;
}

/** git's own answer to "what changed on day D". */
export function gitDiff(repo: string, from: string, to: string, pathspec = 'support/*.md'): GitChange[] {
  const out = git(repo, ['diff', '--name-status', '-M', '-l0', from, to, '--', pathspec]).trim();
  if (!out) return [];
  return out.split('\n').map((line) => {
    const parts = line.split('\t');
    const status = parts[0][0];
    return status === 'R' ? { status, oldPath: parts[1], path: parts[2] } : { status, path: parts[1] };
  });
}
