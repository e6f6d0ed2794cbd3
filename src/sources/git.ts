/**
 * Git adapter: a bare, partial (blob-less) mirror of one remote repository, kept under the
 * data directory. Commits and trees are fetched eagerly; file contents only when read, so
 * a scan costs what it reads. Every git command runs through git-run.ts (no shell, limited
 * protocols, timeouts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { catFileBlobs, type BlobResult } from './git-batch.ts';
import { GitCommandError, redactUrl, runGit } from './git-run.ts';

export { gitVersion } from './git-run.ts';
export type { BlobResult } from './git-batch.ts';

export interface FileChange {
  status: 'A' | 'M' | 'D' | 'R';
  path: string;
  /** For renames: where the file was before. */
  oldPath?: string;
  /** For renames: git's similarity index, 0–100. */
  similarity?: number;
}

export interface GitMirrorOptions {
  /** Branch to follow; default: the remote's default branch at clone time. */
  branch?: string;
  /** Limit for each git command (for blob reads: the longest wait for the next answer). */
  timeoutMs: number;
}

/** Blob ids per fetch request when filling a partial clone (keeps each request a moderate size). */
const PREFETCH_CHUNK = 2000;

function checkRevision(rev: string): string {
  if (!rev || rev.startsWith('-') || /[\s\0]/.test(rev))
    throw new Error(`git source: invalid revision "${rev}"`);
  return rev;
}

function rootPrefix(root: string): string {
  return root && !root.endsWith('/') ? `${root}/` : root;
}

function splitNul(out: Buffer): string[] {
  const parts = out.toString('utf8').split('\0');
  if (parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** Parses `git diff-tree -z --name-status` output: status, path (, new path for renames and copies), each NUL-terminated. */
export function parseNameStatus(out: Buffer): FileChange[] {
  const tokens = splitNul(out);
  const changes: FileChange[] = [];
  for (let i = 0; i < tokens.length;) {
    const status = tokens[i++];
    const kind = status[0];
    if (kind === 'R' || kind === 'C') {
      const oldPath = tokens[i++];
      const path = tokens[i++];
      if (kind === 'R')
        changes.push({ status: 'R', path, oldPath, similarity: Number(status.slice(1)) || 0 });
      else changes.push({ status: 'A', path });
    } else {
      const path = tokens[i++];
      if (kind === 'A' || kind === 'D' || kind === 'M') changes.push({ status: kind, path });
      else if (kind === 'T') changes.push({ status: 'M', path });
      else if (path === undefined || !/^[UX]$/.test(kind))
        throw new Error(`git source: unexpected diff status "${status}"`);
    }
  }
  return changes;
}

export class GitMirror {
  private readonly url: string;
  private readonly where: string;
  /** Paths whose blobs are known to be local, for one commit (saves re-checking per batch). */
  private local: { commit: string; paths: Set<string> } | null = null;

  constructor(
    readonly dir: string,
    url: string,
    private readonly opts: GitMirrorOptions,
  ) {
    if (!url || url.startsWith('-')) throw new Error(`git source: invalid repository URL "${url}"`);
    if (opts.branch !== undefined) checkRevision(opts.branch);
    this.url = url;
    this.where = redactUrl(url);
  }

  private git(args: string[], input?: string): Promise<Buffer> {
    return runGit(args, { cwd: this.dir, timeoutMs: this.opts.timeoutMs, input });
  }

  private async gitText(args: string[]): Promise<string> {
    return (await this.git(args)).toString('utf8').trim();
  }

  private hasRepository(): boolean {
    return existsSync(join(this.dir, 'HEAD')) && existsSync(join(this.dir, 'objects'));
  }

  /** Clones the mirror when it does not exist yet, else fetches the followed branch. */
  async ensure(): Promise<void> {
    if (this.hasRepository()) await this.fetch();
    else await this.clone();
  }

  private async clone(): Promise<void> {
    if (existsSync(this.dir) && readdirSync(this.dir).length > 0) {
      throw new Error(`git source: ${this.dir} exists and is not a git mirror`);
    }
    const parent = dirname(this.dir);
    await mkdir(parent, { recursive: true });
    const temp = join(parent, `.${basename(this.dir)}.clone-${process.pid}-${Date.now()}`);
    const branch = this.opts.branch ? ['--branch', this.opts.branch] : [];
    try {
      await runGit(
        [
          'clone',
          '--bare',
          '--filter=blob:none',
          '--no-checkout',
          '--single-branch',
          '--no-tags',
          ...branch,
          '--',
          this.url,
          temp,
        ],
        {
          cwd: parent,
          timeoutMs: this.opts.timeoutMs,
        },
      );
      await rm(this.dir, { recursive: true, force: true });
      await rename(temp, this.dir);
    } catch (e) {
      await rm(temp, { recursive: true, force: true });
      throw new Error(`git source: clone of ${this.where} failed: ${reason(e)}`);
    }
  }

  /** The branch this mirror follows (`main`), from the options or the mirror's HEAD. */
  async branch(): Promise<string> {
    if (this.opts.branch) return this.opts.branch;
    const ref = await this.gitText(['symbolic-ref', 'HEAD']);
    return ref.replace(/^refs\/heads\//, '');
  }

  /** Fetches the followed branch. The source's location may have changed since the clone: the mirror follows it. */
  private async fetch(): Promise<void> {
    const branch = await this.branch();
    try {
      const current = await this.gitText(['config', '--get', 'remote.origin.url']).catch(() => '');
      if (current !== this.url) await this.git(['remote', 'set-url', 'origin', '--', this.url]);
      // The clone left old blobs behind (partial clone); new commits come with their blobs, so a
      // nightly fetch brings the day's changed files in the same round trip.
      await this.git([
        'fetch',
        '--no-tags',
        '--prune',
        '--no-filter',
        'origin',
        `+refs/heads/${branch}:refs/heads/${branch}`,
      ]);
    } catch (e) {
      throw new Error(`git source: fetch from ${this.where} failed: ${reason(e)}`);
    }
  }

  /** Full commit id of `ref` (default: the followed branch's head). */
  async resolve(ref?: string): Promise<string> {
    const rev = checkRevision(ref ?? `refs/heads/${await this.branch()}`);
    try {
      return await this.gitText(['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`]);
    } catch {
      throw new Error(`git source: no commit "${rev}" in the mirror of ${this.where}`);
    }
  }

  /** Every file path under `root` (`support/`, or '' for all) at `commit`. */
  async listFiles(commit: string, root: string): Promise<string[]> {
    const spec = rootPrefix(root);
    const out = await this.git([
      'ls-tree',
      '-r',
      '-z',
      '--name-only',
      '--full-tree',
      checkRevision(commit),
      ...(spec ? ['--', spec] : []),
    ]);
    return splitNul(out);
  }

  /**
   * Markdown files changed under `root` between two commits. Renames are detected without a
   * limit (`-l0`), so a day that moves hundreds of files reports moves, not deletes and adds.
   */
  async diff(from: string, to: string, root: string): Promise<FileChange[]> {
    const args = [
      'diff-tree',
      '-r',
      '-z',
      '--name-status',
      '-M',
      '-l0',
      '--no-commit-id',
      checkRevision(from),
      checkRevision(to),
      '--',
      `${rootPrefix(root)}*.md`,
    ];
    try {
      return parseNameStatus(await this.git(args));
    } catch (e) {
      throw new Error(`git source: diff ${from}..${to} in ${this.where} failed: ${reason(e)}`);
    }
  }

  /**
   * Contents of `paths` at `commit`, in order, each a `{path, data}` or a `{path, error}`.
   * Blobs missing from the partial clone are fetched first, in a few batched requests.
   */
  async *readBlobs(commit: string, paths: readonly string[]): AsyncGenerator<BlobResult> {
    checkRevision(commit);
    if (paths.length === 0) return;
    await this.prefetch(commit, paths);
    yield* catFileBlobs(commit, paths, { cwd: this.dir, idleTimeoutMs: this.opts.timeoutMs });
  }

  /**
   * Makes the blobs of `paths` at `commit` local. Reading them one by one would make git fetch
   * each missing blob in its own request (minutes for thousands of files); instead the missing
   * ids (`rev-list --missing=print`, which never fetches) are requested by id with
   * `fetch --stdin`, as git's own lazy fetch does, PREFETCH_CHUNK ids per request.
   */
  async prefetch(commit: string, paths: readonly string[]): Promise<number> {
    const known = this.local?.commit === commit ? this.local.paths : null;
    const wanted = new Set(known ? paths.filter((p) => !known.has(p)) : paths);
    if (wanted.size === 0 || !(await this.isPartial())) return 0;
    const missing = await this.missingBlobs(commit, wanted);
    for (let i = 0; i < missing.length; i += PREFETCH_CHUNK) {
      const ids = missing.slice(i, i + PREFETCH_CHUNK);
      const args = [
        '-c',
        'fetch.negotiationAlgorithm=noop',
        'fetch',
        'origin',
        '--no-tags',
        '--no-write-fetch-head',
        '--recurse-submodules=no',
        '--filter=blob:none',
        '--stdin',
      ];
      try {
        await this.git(args, ids.join('\n') + '\n');
      } catch (e) {
        throw new Error(`git source: fetch of ${ids.length} files from ${this.where} failed: ${reason(e)}`);
      }
    }
    if (!known) this.local = { commit, paths: new Set() };
    for (const p of wanted) this.local!.paths.add(p);
    return missing.length;
  }

  private async isPartial(): Promise<boolean> {
    try {
      return (await this.gitText(['config', '--get', 'remote.origin.promisor'])) === 'true';
    } catch {
      return false;
    }
  }

  /** Ids of the blobs of `wanted` paths at `commit` that are not in the mirror yet. */
  private async missingBlobs(commit: string, wanted: ReadonlySet<string>): Promise<string[]> {
    const listing = splitNul(await this.git(['ls-tree', '-r', '-z', '--full-tree', commit]));
    const idsOfWanted = new Set<string>();
    for (const entry of listing) {
      const tab = entry.indexOf('\t');
      const [, type, id] = entry.slice(0, tab).split(' ');
      if (type === 'blob' && wanted.has(entry.slice(tab + 1))) idsOfWanted.add(id);
    }
    const out = await this.gitText(['rev-list', '--objects', '--no-walk', '--missing=print', commit]);
    const missing = new Set(
      out
        .split('\n')
        .filter((l) => l.startsWith('?'))
        .map((l) => l.slice(1)),
    );
    return [...idsOfWanted].filter((id) => missing.has(id));
  }
}

function reason(e: unknown): string {
  if (e instanceof GitCommandError) return e.message;
  return e instanceof Error ? e.message : String(e);
}
