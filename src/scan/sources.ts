/**
 * Sources as the program manages them: add (with the rules a name and a location follow), list,
 * find, remove, and the defaults of a fresh database. The rows live in store/sources.ts.
 */
import type { Context } from '../context.ts';
import type { Source } from '../store/schema.ts';
import {
  findSourceByName,
  insertSource,
  listSources as listSourceRows,
  retireSource,
  type SourceOptions,
} from '../store/sources.ts';

export interface NewSourceInput {
  kind: 'git' | 'classic';
  location: string;
  name?: string;
  options?: SourceOptions;
}

export const DEFAULT_SOURCES: (NewSourceInput & { name: string })[] = [
  {
    kind: 'git',
    name: 'support-articles',
    location: 'https://github.com/MicrosoftDocs/SupportArticles-docs.git',
    options: { path: 'support/', urlTemplate: 'learn-support' },
  },
  {
    kind: 'git',
    name: 'office-support',
    location: 'https://github.com/MicrosoftDocs/OfficeDocs-Support.git',
    options: { path: '', urlTemplate: 'learn-office' },
  },
];

export class SourceError extends Error {}

const ALLOWED_GIT_URL = /^(https:\/\/|ssh:\/\/|git@[^:]+:|file:\/\/)/;

export function defaultName(input: NewSourceInput): string {
  const base =
    input.location
      .replace(/[/\\]+$/, '')
      .split(/[/\\:]/)
      .pop() ?? input.kind;
  return (
    base
      .replace(/\.(git|tar\.xz|tar\.gz|tgz|tar)$/i, '')
      .replace(/[^A-Za-z0-9._-]+/g, '-')
      .toLowerCase() || input.kind
  );
}

export async function addSource(ctx: Context, input: NewSourceInput): Promise<Source> {
  if (input.kind === 'git' && !ALLOWED_GIT_URL.test(input.location)) {
    throw new SourceError(`source: git URL must use https, ssh or file (got "${input.location}")`);
  }
  const name = input.name ?? defaultName(input);
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(name))
    throw new SourceError(`source: name "${name}" must be 1-64 letters, digits, '.', '_' or '-'`);
  if (await findSourceByName(ctx.store.db, name))
    throw new SourceError(`source: a source named "${name}" already exists`);
  const options: SourceOptions = { ...input.options };
  if (input.kind === 'git') {
    options.path = normalizeRoot(options.path ?? '');
    options.urlTemplate ??= options.path === 'support/' ? 'learn-support' : '{file}';
  }
  return insertSource(ctx.store.db, {
    name,
    kind: input.kind,
    location: input.location,
    options,
    createdAt: ctx.now().toISOString(),
  });
}

export function normalizeRoot(path: string): string {
  const p = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return p ? `${p}/` : '';
}

export async function listSources(ctx: Context): Promise<Source[]> {
  return listSourceRows(ctx.store.db);
}

export async function findSource(ctx: Context, name: string): Promise<Source> {
  const source = await findSourceByName(ctx.store.db, name);
  if (!source) throw new SourceError(`source: no source named "${name}"`);
  return source;
}

/**
 * Removes a source. Its articles stay in the archive (retired) so history and links survive;
 * the source row is disabled and renamed out of the way rather than deleted.
 */
export async function removeSource(ctx: Context, name: string): Promise<void> {
  await retireSource(ctx.store.db, await findSource(ctx, name));
}

export async function addDefaultSources(ctx: Context): Promise<void> {
  for (const input of DEFAULT_SOURCES) {
    if (!(await findSourceByName(ctx.store.db, input.name))) await addSource(ctx, input);
  }
}
