/** Source records: add, list, remove, and the defaults of a fresh database. */
import type { Context } from '../context.ts';
import type { Source } from '../store/schema.ts';

export interface SourceOptions {
  /** Folder inside a git repository that holds the articles (`support/`), '' for all. */
  path?: string;
  branch?: string;
  /** Public URL template: `learn-support`, `learn-office`, or a string with {path} / {file}. */
  urlTemplate?: string;
}

export interface NewSourceInput {
  kind: 'git' | 'classic';
  location: string;
  name?: string;
  options?: SourceOptions;
}

export const DEFAULT_SOURCES: NewSourceInput[] = [
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
  const existing = await ctx.store.db
    .selectFrom('sources')
    .select('id')
    .where('name', '=', name)
    .executeTakeFirst();
  if (existing) throw new SourceError(`source: a source named "${name}" already exists`);
  const options: SourceOptions = { ...input.options };
  if (input.kind === 'git') {
    options.path = normalizeRoot(options.path ?? '');
    options.urlTemplate ??= options.path === 'support/' ? 'learn-support' : '{file}';
  }
  return ctx.store.db
    .insertInto('sources')
    .values({
      name,
      kind: input.kind,
      location: input.location,
      options: JSON.stringify(options),
      created_at: ctx.now().toISOString(),
      enabled: 1,
      error_count: 0,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export function normalizeRoot(path: string): string {
  const p = path.replace(/^\.?\/+/, '').replace(/\/+$/, '');
  return p ? `${p}/` : '';
}

export function sourceOptions(source: Source): SourceOptions {
  return JSON.parse(source.options) as SourceOptions;
}

export async function listSources(ctx: Context): Promise<Source[]> {
  return ctx.store.db.selectFrom('sources').selectAll().orderBy('id').execute();
}

export async function findSource(ctx: Context, name: string): Promise<Source> {
  const source = await ctx.store.db
    .selectFrom('sources')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirst();
  if (!source) throw new SourceError(`source: no source named "${name}"`);
  return source;
}

/**
 * Removes a source. Its articles stay in the archive (retired) so history and links survive;
 * the source row is disabled and renamed out of the way rather than deleted.
 */
export async function removeSource(ctx: Context, name: string): Promise<void> {
  const source = await findSource(ctx, name);
  await ctx.store.db.transaction().execute(async (trx) => {
    await trx.updateTable('articles').set({ retired: 1 }).where('source_id', '=', source.id).execute();
    await trx
      .updateTable('sources')
      .set({ enabled: 0, name: `${source.name}~removed-${source.id}` })
      .where('id', '=', source.id)
      .execute();
  });
}

export async function addDefaultSources(ctx: Context): Promise<void> {
  for (const input of DEFAULT_SOURCES) {
    const exists = await ctx.store.db
      .selectFrom('sources')
      .select('id')
      .where('name', '=', input.name!)
      .executeTakeFirst();
    if (!exists) await addSource(ctx, input);
  }
}
