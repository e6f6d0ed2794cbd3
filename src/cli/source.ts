/** `kbwatch source add|list|remove`. */
import type { Command } from 'commander';
import { addSource, listSources, removeSource, SourceError } from '../scan/sources.ts';
import { sourceOptions } from '../store/sources.ts';
import { resolve } from 'node:path';
import type { Context } from '../context.ts';
import { CliError, withContext, type Cli } from './context.ts';

interface GitOptions {
  name?: string;
  path: string;
  branch?: string;
  urlTemplate?: string;
}

async function guard<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof SourceError) throw new CliError(err.message);
    throw err;
  }
}

async function addGit(cli: Cli, ctx: Context, url: string, o: GitOptions): Promise<void> {
  const s = await guard(() =>
    addSource(ctx, {
      kind: 'git',
      location: url,
      name: o.name,
      options: { path: o.path, branch: o.branch, urlTemplate: o.urlTemplate },
    }),
  );
  cli.out(`added git source ${s.name} (${s.location})`);
}

async function addClassic(cli: Cli, ctx: Context, location: string, o: { name?: string }): Promise<void> {
  const s = await guard(() => addSource(ctx, { kind: 'classic', location: resolve(location), name: o.name }));
  cli.out(`added classic source ${s.name} (${s.location})`);
}

async function list(cli: Cli, ctx: Context, o: { json?: boolean }): Promise<void> {
  const rows = (await listSources(ctx)).filter((s) => s.enabled === 1);
  if (o.json) {
    cli.out(
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
  if (rows.length === 0) cli.out('no sources');
  for (const s of rows) {
    cli.out(
      `${s.name}\t${s.kind}\t${s.location}\t${s.cursor ? s.cursor.slice(0, 12) : 'never scanned'}${s.last_error ? `\terror: ${s.last_error}` : ''}`,
    );
  }
}

async function remove(cli: Cli, ctx: Context, name: string): Promise<void> {
  await guard(() => removeSource(ctx, name));
  cli.out(`removed source ${name}`);
}

export function registerSourceCommands(program: Command, cli: Cli): void {
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
    .action((url: string, o: GitOptions) => withContext(cli, (ctx) => addGit(cli, ctx, url, o)));
  add
    .command('classic <location>')
    .description('A directory or .tar.xz/.tar.gz archive of classic KB text files.')
    .option('--name <name>', 'source name (default: from the file name)')
    .action((location: string, o: { name?: string }) =>
      withContext(cli, (ctx) => addClassic(cli, ctx, location, o)),
    );
  source
    .command('list')
    .description('List sources with their state.')
    .option('--json', 'print JSON')
    .action((o: { json?: boolean }) => withContext(cli, (ctx) => list(cli, ctx, o)));
  source
    .command('remove <name>')
    .description('Remove a source (its articles stay in the archive, retired).')
    .action((name: string) => withContext(cli, (ctx) => remove(cli, ctx, name)));
}
