/**
 * Reading many blobs through one `git cat-file --batch` process: requests are written while
 * answers are read, so thousands of files cost one process and no temporary files.
 */
import { StreamReader, type FileResult } from './bytes.ts';
import { killGit, spawnGit, stderrSummary } from './git-run.ts';

export type BlobResult = FileResult;

export interface BatchOptions {
  cwd: string;
  /** The process is killed when it produces nothing for this long while an answer is awaited. */
  idleTimeoutMs: number;
  /** Larger blobs are skipped and reported as errors (default 64 MiB). */
  maxBlobBytes?: number;
}

const FOUND = /^([0-9a-f]{40,64}) ([a-z]+) (\d+)$/;

/** A `git cat-file --batch` process, with what it wrote on stderr and how it ended. */
function startCatFile(cwd: string) {
  const child = spawnGit(['cat-file', '--batch', '--buffer'], cwd);
  const state = { stderr: '', spawnError: '' };
  child.stderr.on('data', (c: Buffer) => {
    if (state.stderr.length < 16384) state.stderr += c.toString('utf8');
  });
  child.stdin.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', (err) => {
      state.spawnError = `could not run git: ${err.message}`;
      resolve();
    });
  });
  /** The answer for a path git could not give: git's message, once the process has ended. */
  const failed = async (path: string): Promise<BlobResult> => {
    await closed;
    return {
      path,
      error: `git source: reading ${path} failed: ${state.spawnError || stderrSummary(state.stderr)}`,
    };
  };
  return { child, state, failed };
}

/** Reads the answer for one requested path: its header, then its body (or skips it). */
async function readAnswer(
  reader: StreamReader,
  commit: string,
  path: string,
  maxBlob: number,
  failed: (path: string) => Promise<BlobResult>,
): Promise<BlobResult> {
  const header = await reader.readLine();
  if (header === null) return failed(path);
  const m = FOUND.exec(header.toString('utf8'));
  if (!m) return { path, error: `git source: ${path} not found in ${commit}` };
  const size = Number(m[3]);
  if (m[2] !== 'blob' || size > maxBlob) {
    if (!(await reader.skip(size + 1))) return failed(path);
    if (m[2] !== 'blob') return { path, error: `git source: ${path} is a ${m[2]}, not a file` };
    return { path, error: `git source: ${path} is ${size} bytes, larger than the limit of ${maxBlob}` };
  }
  const body = await reader.readExact(size + 1);
  return body === null ? failed(path) : { path, data: body.subarray(0, size) };
}

/**
 * Reads `<commit>:<path>` for every path, in order. Paths that cannot be requested (newline
 * in the name), are missing, are not files or are too large come back as `{path, error}`.
 * If git dies, every path not yet answered comes back as an error with git's message.
 */
export async function* catFileBlobs(
  commit: string,
  paths: readonly string[],
  opts: BatchOptions,
): AsyncGenerator<BlobResult> {
  const maxBlob = opts.maxBlobBytes ?? 64 * 1024 * 1024;
  const askable = (p: string) => !/[\n\r]/.test(p);
  const { child, state, failed } = startCatFile(opts.cwd);
  void writeRequests(
    child.stdin,
    paths.filter(askable).map((p) => `${commit}:${p}\n`),
  );
  const reader = new StreamReader(child.stdout, {
    timeoutMs: opts.idleTimeoutMs,
    onIdle: () => {
      state.stderr = `no answer for ${opts.idleTimeoutMs} ms\n` + state.stderr;
      killGit(child);
    },
  });
  try {
    for (const path of paths) {
      if (askable(path)) yield await readAnswer(reader, commit, path, maxBlob, failed);
      else yield { path, error: 'git source: path contains a line break and cannot be read' };
    }
  } finally {
    child.stdin.destroy();
    killGit(child);
  }
}

/** Writes the request lines as the pipe accepts them; stops quietly if git goes away. */
async function writeRequests(
  stdin: NodeJS.WritableStream & { destroyed?: boolean },
  lines: string[],
): Promise<void> {
  for (const l of lines) {
    if (stdin.destroyed) return;
    if (!stdin.write(l)) await drained(stdin);
  }
  stdin.end();
}

function drained(stream: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
