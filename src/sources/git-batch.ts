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
  const askable = paths.map((p) => !/[\n\r]/.test(p));
  const child = spawnGit(['cat-file', '--batch', '--buffer'], opts.cwd);
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => {
    if (stderr.length < 16384) stderr += c.toString('utf8');
  });
  child.stdin.on('error', () => undefined);
  let spawnError = '';
  const closed = new Promise<void>((resolve) => {
    child.on('close', () => resolve());
    child.on('error', (err) => {
      spawnError = `could not run git: ${err.message}`;
      resolve();
    });
  });
  const failed = async (path: string): Promise<BlobResult> => {
    await closed;
    return { path, error: `git source: reading ${path} failed: ${spawnError || stderrSummary(stderr)}` };
  };
  void writeRequests(
    child.stdin,
    paths.filter((_, i) => askable[i]).map((p) => `${commit}:${p}\n`),
  );

  const reader = new StreamReader(child.stdout, {
    timeoutMs: opts.idleTimeoutMs,
    onIdle: () => {
      stderr = `no answer for ${opts.idleTimeoutMs} ms\n` + stderr;
      killGit(child);
    },
  });

  try {
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i];
      if (!askable[i]) {
        yield { path, error: 'git source: path contains a line break and cannot be read' };
        continue;
      }
      const header = await reader.readLine();
      if (header === null) {
        yield await failed(path);
        continue;
      }
      const m = FOUND.exec(header.toString('utf8'));
      if (!m) {
        yield { path, error: `git source: ${path} not found in ${commit}` };
        continue;
      }
      const size = Number(m[3]);
      if (m[2] !== 'blob' || size > maxBlob) {
        const skipped = await reader.skip(size + 1);
        if (!skipped) yield await failed(path);
        else if (m[2] !== 'blob') yield { path, error: `git source: ${path} is a ${m[2]}, not a file` };
        else
          yield { path, error: `git source: ${path} is ${size} bytes, larger than the limit of ${maxBlob}` };
        continue;
      }
      const body = await reader.readExact(size + 1);
      if (body === null) yield await failed(path);
      else yield { path, data: body.subarray(0, size) };
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
