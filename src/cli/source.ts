/** `kbwatch source add|list|remove`. */
import type { Command } from 'commander';
import { addSource, listSources, removeSource, SourceError } from '../scan/sources.ts';
import { sourceOptions } from '../store/sources.ts';
import { resolve } from 'node:path';
import { CliError, withContext } from './context.ts';

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SourceError) throw new CliError(err.message);
    throw err;
  }
}

export function registerSourceCommands(program: Command): void {
  const source = program.command('source').description('Manage the sources kbwatch scans.');
  const add = source.command('add').description('Add a source.');
  add
    .command('git <url>')
    .description('A git repository of Markdown articles (MicrosoftDocs layout).')
    .option('--name <name>', 'source name (default: from the URL)')
    .option('--path <folder>', 'folder holding the articles, e.g. support/', '')
    .option('--branch <branch>', 'branch to follow (default: the remote HEAD)')
    .option(
      '--url-template <template>',
      'public URL: learn-support, learn-office, or a string with {path} or {file}',
    )
    .action((url: string, o: { name?: string; path: string; branch?: string; urlTemplate?: string }) =>
      withContext(async (ctx) => {
        const s = await guard(() =>
          addSource(ctx, {
            kind: 'git',
            location: url,
            name: o.name,
            options: { path: o.path, branch: o.branch, urlTemplate: o.urlTemplate },
          }),
        );
        console.log(`added git source ${s.name} (${s.location})`);
      }),
    );
  add
    .command('classic <location>')
    .description('A directory or .tar.xz/.tar.gz archive of classic KB text files.')
    .option('--name <name>', 'source name (default: from the file name)')
    .action((location: string, o: { name?: string }) =>
      withContext(async (ctx) => {
        const s = await guard(() =>
          addSource(ctx, { kind: 'classic', location: resolve(location), name: o.name }),
        );
        console.log(`added classic source ${s.name} (${s.location})`);
      }),
    );
  source
    .command('list')
    .description('List sources with their state.')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) =>
      withContext(async (ctx) => {
        const rows = (await listSources(ctx)).filter((s) => s.enabled === 1);
        if (o.json) {
          console.log(
            JSON.stringify(
              rows.map((s) => ({
                name: s.name,
                kind: s.kind,
                location: s.location,
                options: sourceOptions(s),
                cursor: s.cursor,
                lastScanAt: s.last_scan_at,
                lastError: s.last_error,
              })),
            ),
          );
          return;
        }
        if (rows.length === 0) console.log('no sources');
        for (const s of rows) {
          console.log(
            `${s.name}\t${s.kind}\t${s.location}\t${s.cursor ? s.cursor.slice(0, 12) : 'never scanned'}${s.last_error ? `\terror: ${s.last_error}` : ''}`,
          );
        }
      }),
    );
  source
    .command('remove <name>')
    .description('Remove a source (its articles stay in the archive, retired).')
    .action((name: string) =>
      withContext(async (ctx) => {
        await guard(() => removeSource(ctx, name));
        console.log(`removed source ${name}`);
      }),
    );
}
