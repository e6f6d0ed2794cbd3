/**
 * Plans the scan of a git source: fetch, then either every article at the target commit
 * (first scan) or only what `git diff` between the cursor and the target reports.
 */
import type { Context } from '../context.ts';
import type { ParsedArticle, SourceError as FileError } from '../model/article.ts';
import { rawHash } from '../model/change.ts';
import { GitMirror, type FileChange } from '../sources/git.ts';
import { isArticlePath, parseMarkdownArticle } from '../sources/markdown.ts';
import { currentPaths } from '../store/articles.ts';
import type { Source } from '../store/schema.ts';
import type { SourceOptions } from '../store/sources.ts';
import { emptyPlan, type ScanBatch, type ScanPlan, type Seen } from './plan.ts';

const BATCH = 250;

interface ParseOptions {
  urlTemplate: string;
  root: string;
  maxBytes: number;
}

/** A file to read, with the path git says it had before (a rename). */
type Present = { path: string; previousPath?: string };

export async function planGitScan(
  ctx: Context,
  source: Source,
  options: SourceOptions,
  opts: { ref?: string; mirrorDir: string },
): Promise<ScanPlan> {
  const root = options.path ?? '';
  const mirror = new GitMirror(opts.mirrorDir, source.location, {
    branch: options.branch,
    timeoutMs: ctx.config.gitTimeoutMs,
  });
  await mirror.ensure();
  const target = await mirror.resolve(opts.ref ?? options.branch);
  if (source.cursor === target) return emptyPlan(target);

  // What changed since the cursor; on a first scan, or when the diff fails (history rewritten and
  // the cursor unknown, a timeout), every article at the target. A failed diff is said, not hidden.
  const warnings: string[] = [];
  const diff = source.cursor
    ? await mirror.diff(source.cursor, target, root).catch((err: unknown) => {
        const why = err instanceof Error ? err.message : String(err);
        const warning = `scan: ${source.name}: the diff from ${source.cursor} failed, so every file is read: ${why}`;
        ctx.log.warn(warning);
        warnings.push(warning);
        return null;
      })
    : null;
  const { present, gone } = diff
    ? fromDiff(diff, root)
    : await fromListing(mirror, target, root, await currentPaths(ctx.store.db, source.id));
  const parseOptions = {
    urlTemplate: options.urlTemplate ?? '{file}',
    root,
    maxBytes: ctx.config.maxArticleBytes,
  };
  // A KB number may leave a deleted file for a new one (a move git does not see). The source of a
  // rename is not such a path: the rename's target claims it.
  const renamedAway = new Set(present.map((p) => p.previousPath).filter((p): p is string => p !== undefined));
  return {
    ref: target,
    cursor: target,
    total: present.length,
    batches: readBatches(mirror, target, present, parseOptions),
    gone: () => gone,
    leaving: new Set(gone.filter((p) => !renamedAway.has(p))),
    warnings,
  };
}

/** What git's diff between the cursor and the target says is there and gone. */
function fromDiff(changes: FileChange[], root: string): { present: Present[]; gone: string[] } {
  const present: Present[] = [];
  const gone: string[] = [];
  for (const c of changes) {
    const isNew = isArticlePath(c.path, root);
    if (c.status === 'D') {
      if (isNew) gone.push(c.path);
    } else if (c.status === 'R' && c.oldPath) {
      const wasArticle = isArticlePath(c.oldPath, root);
      if (isNew) present.push(wasArticle ? { path: c.path, previousPath: c.oldPath } : { path: c.path });
      if (wasArticle) gone.push(c.oldPath);
    } else if (isNew) present.push({ path: c.path });
  }
  return { present, gone };
}

/** Every article at the target; what is stored but no longer listed is gone. */
async function fromListing(
  mirror: GitMirror,
  target: string,
  root: string,
  stored: string[],
): Promise<{ present: Present[]; gone: string[] }> {
  const listed = (await mirror.listFiles(target, root)).filter((p) => isArticlePath(p, root));
  const seen = new Set(listed);
  return { present: listed.map((path) => ({ path })), gone: stored.filter((p) => !seen.has(p)) };
}

/**
 * One fetch of every missing blob the scan needs, include files too (a partial clone fetches
 * each request in a round trip of its own), then one reader; batches are cut from its stream.
 */
async function* readBatches(
  mirror: GitMirror,
  target: string,
  present: Present[],
  options: ParseOptions,
): AsyncIterable<ScanBatch> {
  const previous = new Map(present.map((p) => [p.path, p.previousPath]));
  const includes = new Map<string, string | undefined>();
  let raw = new Map<string, Buffer>();
  let errors: FileError[] = [];
  const take = async (): Promise<ScanBatch> => {
    const seen: Seen[] = [];
    for (const [path, result] of await parseBatch(mirror, target, raw, includes, options)) {
      const bytes = raw.get(path);
      if ('message' in result) errors.push(result);
      else if (bytes)
        seen.push({ article: { ...result, rawHash: rawHash(bytes) }, previousPath: previous.get(path) });
    }
    const batch = { seen, errors };
    raw = new Map();
    errors = [];
    return batch;
  };
  if (present.length > 0) {
    const includeFiles = (await mirror.listFiles(target, '')).filter(
      (p) => p.endsWith('.md') && p.split('/').includes('includes'),
    );
    await mirror.prefetch(target, [...present.map((p) => p.path), ...includeFiles]);
  }
  for await (const blob of mirror.readBlobs(
    target,
    present.map((p) => p.path),
  )) {
    if ('error' in blob) errors.push({ path: blob.path, message: blob.error });
    else raw.set(blob.path, blob.data);
    if (raw.size + errors.length >= BATCH) yield await take();
  }
  if (raw.size + errors.length > 0) yield await take();
}

/**
 * Parses a batch of files. Includes the articles ask for (and theirs) are read for the whole
 * batch at once, one read per nesting level, and only the articles that missed one are parsed again.
 */
async function parseBatch(
  mirror: GitMirror,
  commit: string,
  raw: Map<string, Buffer>,
  cache: Map<string, string | undefined>,
  options: ParseOptions,
): Promise<Map<string, ParsedArticle | FileError>> {
  const out = new Map<string, ParsedArticle | FileError>();
  let pending = [...raw.keys()];
  for (let depth = 0; pending.length > 0; depth++) {
    const missing = new Set<string>();
    const retry: string[] = [];
    for (const path of pending) {
      let missed = false;
      const readInclude = (p: string) => {
        if (cache.has(p)) return cache.get(p);
        missing.add(p);
        missed = true;
        return undefined;
      };
      try {
        out.set(path, parseMarkdownArticle(path, raw.get(path)!, { ...options, readInclude }));
      } catch (err) {
        out.set(path, { path, message: err instanceof Error ? err.message : String(err) });
      }
      if (missed) retry.push(path);
    }
    if (missing.size === 0 || depth >= 5) break;
    for (const p of missing) cache.set(p, undefined);
    for await (const blob of mirror.readBlobs(commit, [...missing])) {
      if (!('error' in blob)) cache.set(blob.path, blob.data.toString('utf8'));
    }
    pending = retry;
  }
  return out;
}
