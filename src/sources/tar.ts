/**
 * A small streaming tar reader (ustar, GNU long names, pax paths): yields the regular files
 * of an archive as they stream by, without writing anything to disk. Member names are
 * normalized and never used as file system paths.
 */
import { StreamReader, type FileResult } from './bytes.ts';

export interface TarOptions {
  /** Which members to yield, by normalized path. */
  accept: (path: string) => boolean;
  /** Accepted members larger than this are reported as errors (default 16 MiB). */
  maxFileBytes?: number;
}

const BLOCK = 512;

function field(header: Buffer, offset: number, length: number): string {
  const raw = header.subarray(offset, offset + length);
  const end = raw.indexOf(0);
  return raw.subarray(0, end < 0 ? length : end).toString('utf8');
}

/** A numeric header field: octal text, or GNU base-256 when the high bit is set. */
function numberField(header: Buffer, offset: number, length: number): number {
  const raw = header.subarray(offset, offset + length);
  if (raw[0] & 0x80) {
    let n = raw[0] & 0x7f;
    for (let i = 1; i < length; i++) n = n * 256 + raw[i];
    return n;
  }
  const text = field(header, offset, length).trim();
  return text ? parseInt(text, 8) : 0;
}

function checksumOk(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
  return sum === numberField(header, 148, 8);
}

/** `./a//b/../c` → `a/c`; null for names that are empty or climb above the archive root. */
export function normalizeMemberPath(name: string): string | null {
  const out: string[] = [];
  for (const part of name.replace(/\\/g, '/').split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.length > 0 ? out.join('/') : null;
}

/** The `path` record of a pax extended header, if any. */
function paxPath(data: Buffer): string | null {
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(32, at);
    if (space < 0) break;
    const length = parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (!(length > 0)) break;
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    if (record.startsWith('path=')) return record.slice(5);
    at += length;
  }
  return null;
}

function padding(size: number): number {
  return (BLOCK - (size % BLOCK)) % BLOCK;
}

/** Regular files of the tar stream `input`, in archive order. Throws on a corrupt or truncated archive. */
export async function* readTar(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  opts: TarOptions,
): AsyncGenerator<FileResult> {
  const maxFile = opts.maxFileBytes ?? 16 * 1024 * 1024;
  const reader = new StreamReader(input);
  let longName: string | null = null;
  try {
    for (;;) {
      const header = await reader.readExact(BLOCK);
      // An archive ends with zero blocks; one that simply stops was cut short (a copy in
      // progress, a full disk) and must not read as "these members are gone".
      if (header === null)
        throw new Error('classic source: tar archive is truncated (no end-of-archive marker)');
      if (header.every((b) => b === 0)) return;
      if (!checksumOk(header)) throw new Error('classic source: corrupt tar archive (bad header checksum)');
      const size = numberField(header, 124, 12);
      const type = String.fromCharCode(header[156] || 48);
      if (type === 'L' || type === 'x') {
        const data = await reader.readExact(size + padding(size));
        if (data === null) throw new Error('classic source: tar archive ends inside a header');
        longName = type === 'L' ? field(data, 0, size) : (paxPath(data.subarray(0, size)) ?? longName);
        continue;
      }
      const prefix = field(header, 345, 155);
      const name =
        longName ??
        (prefix && header.subarray(257, 262).toString('ascii') === 'ustar'
          ? `${prefix}/${field(header, 0, 100)}`
          : field(header, 0, 100));
      longName = null;
      const path = normalizeMemberPath(name);
      const wanted = (type === '0' || type === '7') && path !== null && opts.accept(path);
      if (!wanted || size > maxFile) {
        if (!(await reader.skip(size + padding(size))))
          throw new Error('classic source: tar archive ends inside a member');
        if (wanted)
          yield {
            path: path!,
            error: `classic source: ${path} is ${size} bytes, larger than the limit of ${maxFile}`,
          };
        continue;
      }
      const data = await reader.readExact(size);
      if (data === null || !(await reader.skip(padding(size))))
        throw new Error(`classic source: tar archive ends inside ${path}`);
      yield { path: path!, data };
    }
  } finally {
    await reader.close();
  }
}
