/**
 * Plans the scan of a classic source (a directory or a tar archive of KB text files): every
 * file is read each time; what is stored but no longer present is gone. The cursor is a
 * fingerprint of the location, so an unchanged archive costs one stat.
 */
import { createHash } from 'node:crypto';
import { readdir, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Context } from '../context.ts';
import type { SourceError as FileError } from '../model/article.ts';
import { rawHash } from '../model/change.ts';
import { parseClassicArticle, readClassicSource } from '../sources/classic.ts';
import { currentPaths } from '../store/articles.ts';
import type { Source } from '../store/schema.ts';
import { emptyPlan, type ScanBatch, type ScanPlan, type Seen } from './plan.ts';

const BATCH = 2000;

async function fingerprint(location: string): Promise<string> {
  const hash = createHash('sha1');
  const info = await stat(location).catch((err: NodeJS.ErrnoException) => {
    throw new Error(`classic source: cannot read ${location}: ${err.code ?? err.message}`);
  });
  if (info.isFile()) hash.update(`${info.size}:${info.mtimeMs}`);
  else {
    const walk = async (dir: string): Promise<void> => {
      for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) =>
        a.name.localeCompare(b.name),
      )) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else {
          const s = await stat(p);
          hash.update(`${relative(location, p)}:${s.size}:${s.mtimeMs}\n`);
        }
      }
    };
    await walk(location);
  }
  return hash.digest('hex');
}

export async function planClassicScan(ctx: Context, source: Source): Promise<ScanPlan> {
  const cursor = await fingerprint(source.location);
  if (cursor === source.cursor) return emptyPlan(cursor);
  const stored = await currentPaths(ctx.store.db, source.id);
  const seenPaths = new Set<string>();
  const maxBytes = ctx.config.maxArticleBytes;

  async function* batches(): AsyncIterable<ScanBatch> {
    let seen: Seen[] = [];
    let errors: FileError[] = [];
    for await (const file of readClassicSource(source.location)) {
      seenPaths.add(file.path);
      if ('error' in file) errors.push({ path: file.path, message: file.error });
      else if (file.data.length > maxBytes)
        errors.push({
          path: file.path,
          message: `classic source: file is ${file.data.length} bytes, over the ${maxBytes} byte limit`,
        });
      else {
        try {
          seen.push({
            article: { ...parseClassicArticle(file.path, file.data), rawHash: rawHash(file.data) },
          });
        } catch (err) {
          errors.push({ path: file.path, message: err instanceof Error ? err.message : String(err) });
        }
      }
      if (seen.length + errors.length >= BATCH) {
        yield { seen, errors };
        seen = [];
        errors = [];
      }
    }
    if (seen.length + errors.length > 0) yield { seen, errors };
  }
  return {
    ref: cursor,
    cursor,
    total: 0,
    batches: batches(),
    gone: () => stored.filter((p) => !seenPaths.has(p)),
    leaving: new Set(),
  };
}
