/**
 * Where classic KB files come from: a directory tree, or a tar archive (`.tar`, `.tar.gz`,
 * `.tgz`, `.tar.xz`, `.txz`) read as a stream — nothing is extracted to disk.
 */
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { lstat, open, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { FileResult } from './bytes.ts';
import { readTar } from './tar.ts';

export interface ClassicSourceOptions {
  /** Files larger than this are reported as errors (default 16 MiB). */
  maxFileBytes?: number;
}

/** Classic article files: `*.TXT`/`*.txt`. */
export function isClassicPath(path: string): boolean {
  return /\.txt$/i.test(path);
}

/** Files read at once while walking a directory (answers still come in order). */
const READ_AHEAD = 32;

async function readOne(root: string, path: string, maxBytes: number): Promise<FileResult> {
  let handle;
  try {
    handle = await open(join(root, path), 'r');
    const { size } = await handle.stat();
    if (size > maxBytes)
      return {
        path,
        error: `classic source: ${path} is ${size} bytes, larger than the limit of ${maxBytes}`,
      };
    return { path, data: await handle.readFile() };
  } catch (e) {
    return { path, error: `classic source: reading ${path} failed: ${(e as Error).message}` };
  } finally {
    await handle?.close();
  }
}

/** Relative paths of the article files under `root`, sorted, symbolic links not followed. */
async function* listTree(root: string, rel: string): AsyncGenerator<string> {
  const entries = (await readdir(join(root, rel), { withFileTypes: true })).sort((a, b) =>
    a.name < b.name ? -1 : a.name > b.name ? 1 : 0,
  );
  for (const entry of entries) {
    const path = rel ? `${rel}/${entry.name}` : entry.name;
    if (entry.isDirectory()) yield* listTree(root, path);
    else if (entry.isFile() && isClassicPath(path)) yield path;
  }
}

async function* walk(root: string, maxBytes: number): AsyncGenerator<FileResult> {
  const pending: Promise<FileResult>[] = [];
  for await (const path of listTree(root, '')) {
    pending.push(readOne(root, path, maxBytes));
    if (pending.length >= READ_AHEAD) yield await pending.shift()!;
  }
  while (pending.length > 0) yield await pending.shift()!;
}

/** `xz -dc <file>` as a byte stream (no shell); its failure ends the stream with an error. */
async function* xzStream(file: string): AsyncGenerator<Buffer> {
  const child = spawn('xz', ['-dc', '--', file], { shell: false, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const exit = new Promise<number | null>((resolve) => {
    child.on('close', (code) => resolve(code));
    child.on('error', (err) => {
      stderr += err.message;
      resolve(-1);
    });
  });
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    const code = await exit;
    if (code !== 0)
      throw new Error(
        `classic source: xz could not read ${file}: ${stderr.trim().split('\n')[0] || `exit ${code}`}`,
      );
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}

function archiveStream(file: string): AsyncIterable<Buffer> {
  if (/\.(tar\.xz|txz)$/i.test(file)) return xzStream(file);
  if (/\.(tar\.gz|tgz)$/i.test(file)) {
    const gunzip = createGunzip();
    pipeline(createReadStream(file), gunzip, () => undefined);
    return gunzip;
  }
  return createReadStream(file);
}

export function isArchive(location: string): boolean {
  return /\.(tar|tar\.gz|tgz|tar\.xz|txz)$/i.test(location);
}

/**
 * Every classic article file at `location` (a directory, walked in sorted order, symbolic
 * links ignored; or a tar archive, in archive order), as `{path, data}` or `{path, error}`.
 * Paths are relative (`txt/127/Q127144.TXT`). A location that is missing, unreadable, empty,
 * or an archive that is corrupt or truncated rejects: the scan fails and nothing is retired.
 */
export async function* readClassicSource(
  location: string,
  opts: ClassicSourceOptions = {},
): AsyncGenerator<FileResult> {
  const maxBytes = opts.maxFileBytes ?? 16 * 1024 * 1024;
  let info;
  try {
    info = await lstat(location);
  } catch (e) {
    throw new Error(
      `classic source: cannot read ${location}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let files = 0;
  for await (const file of readLocation(location, info.isDirectory(), maxBytes)) {
    files++;
    yield file;
  }
  // An empty location is a mount that is not there yet, not a knowledge base that was emptied.
  if (files === 0) throw new Error(`classic source: ${location} holds no classic article files (*.txt)`);
}

async function* readLocation(
  location: string,
  directory: boolean,
  maxBytes: number,
): AsyncGenerator<FileResult> {
  if (directory) {
    yield* walk(location, maxBytes);
    return;
  }
  if (!isArchive(location))
    throw new Error(
      `classic source: ${location} is neither a directory nor a .tar, .tar.gz, .tgz or .tar.xz archive`,
    );
  try {
    yield* readTar(archiveStream(location), { accept: isClassicPath, maxFileBytes: maxBytes });
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(
      message.startsWith('classic source:')
        ? message
        : `classic source: reading ${location} failed: ${message}`,
    );
  }
}
