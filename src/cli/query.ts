/** `kbwatch search`, `kbwatch article`, `kbwatch changes`. */
import type { Command } from 'commander';
import type { Context } from '../context.ts';
import { QueryError } from '../query/index.ts';
import { search } from '../store/search/index.ts';
import {
  changesSince,
  findArticleByKb,
  findArticleByPath,
  revisionsOf,
  technologiesOfArticle,
} from '../store/article-read.ts';
import { jsonList, parseSummary } from '../store/codec.ts';
import { CliError, withContext, type Cli } from './context.ts';

type Article = NonNullable<Awaited<ReturnType<typeof findArticleByKb>>>;
type Revision = Awaited<ReturnType<typeof revisionsOf>>[number];
type Technology = Awaited<ReturnType<typeof technologiesOfArticle>>[number];

function parseLimit(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new CliError(`--limit must be a whole number from 1 to 1000, got "${v}"`);
  return n;
}

/** A search snippet as plain text: highlights as *stars*, entities decoded. */
function plainSnippet(snippet: string): string {
  return snippet
    .replace(/<\/?mark>/g, '*')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

async function searchCommand(cli: Cli, ctx: Context, q: string, o: { limit: string; json?: boolean }) {
  let result;
  try {
    result = await search(ctx.store, q, { limit: parseLimit(o.limit), facets: Boolean(o.json) });
  } catch (err) {
    if (err instanceof QueryError) throw new CliError(err.message);
    throw err;
  }
  if (o.json) {
    cli.out(
      JSON.stringify({
        total: result.total,
        results: result.results,
        facets: result.facets,
        jump: result.jump ?? null,
      }),
    );
    return;
  }
  if (result.jump) cli.out(`KB${result.jump.kb} → article ${result.jump.articleId}`);
  cli.out(`${result.total} result(s)`);
  for (const r of result.results) {
    cli.out(`${r.kb ? `KB${r.kb}` : r.path}\t${r.title}`);
    cli.out(`\t${plainSnippet(r.snippet)}`);
  }
}

function printArticle(cli: Cli, article: Article, revisions: Revision[], techs: Technology[]): void {
  cli.out(`${article.title}`);
  cli.out(
    `Article ID: ${article.kb ?? '-'}  Revision: ${article.revision}  Last Review: ${article.last_reviewed ?? '-'}${article.retired ? '  (retired)' : ''}`,
  );
  cli.out(`Path: ${article.path}`);
  if (article.url) cli.out(`URL: ${article.url}`);
  cli.out(`Applies to: ${jsonList(article.products).join('; ') || '-'}`);
  cli.out(`Keywords: ${jsonList(article.keywords).join(' ') || '-'}`);
  cli.out(`Technologies: ${techs.map((t) => t.name).join(', ') || '-'}`);
  cli.out(`First seen ${article.first_seen}, last changed ${article.last_changed}`);
  cli.out('Revisions:');
  for (const r of revisions)
    cli.out(`  ${r.number}\t${r.seen_at}\t${r.source}\t${r.path}${r.ref ? `\t${r.ref.slice(0, 12)}` : ''}`);
}

async function articleCommand(cli: Cli, ctx: Context, ref: string, o: { json?: boolean }): Promise<void> {
  const m = /^(?:kb|q)?(\d+)$/i.exec(ref.trim());
  const article = m
    ? await findArticleByKb(ctx.store.db, Number(m[1]))
    : await findArticleByPath(ctx.store.db, ref);
  if (!article) throw new CliError(`article: no article ${ref}`);
  const revisions = await revisionsOf(ctx.store.db, article.id);
  const techs = await technologiesOfArticle(ctx.store.db, article.id);
  if (!o.json) return printArticle(cli, article, revisions, techs);
  cli.out(
    JSON.stringify({
      ...article,
      body_html: undefined,
      products: jsonList(article.products),
      areas: jsonList(article.areas),
      keywords: jsonList(article.keywords),
      technologies: techs,
      revisions,
    }),
  );
}

async function changesCommand(cli: Cli, ctx: Context, o: { since: string; json?: boolean }): Promise<void> {
  const since = new Date(o.since);
  if (Number.isNaN(since.getTime()))
    throw new CliError(`changes: --since must be an ISO date, got "${o.since}"`);
  const rows = await changesSince(ctx.store.db, since.toISOString());
  if (o.json) {
    cli.out(
      JSON.stringify({
        changes: rows.map((c) => ({
          kind: c.kind,
          path: c.path,
          previousPath: c.previous_path,
          kb: c.kb,
          title: c.title,
          source: c.source,
          detectedAt: c.detected_at,
          summary: parseSummary(c.summary),
          minor: c.minor === 1,
        })),
      }),
    );
    return;
  }
  for (const c of rows)
    cli.out(
      `${c.detected_at}\t${c.kind}\t${c.kb ? `KB${c.kb}` : '-'}\t${c.path}${c.previous_path ? ` (from ${c.previous_path})` : ''}\t${c.title}`,
    );
  if (rows.length === 0) cli.out('no changes');
}

export function registerQueryCommands(program: Command, cli: Cli): void {
  program
    .command('search <query...>')
    .description('Search the archive with the query language.')
    .option('--limit <n>', 'number of results', '10')
    .option('--json', 'print JSON')
    .action((words: string[], o: { limit: string; json?: boolean }) =>
      withContext(cli, (ctx) => searchCommand(cli, ctx, words.join(' '), o)),
    );
  program
    .command('article <kb-number-or-path>')
    .description('Show an article: metadata and revision list.')
    .option('--json', 'print JSON')
    .action((ref: string, o: { json?: boolean }) =>
      withContext(cli, (ctx) => articleCommand(cli, ctx, ref, o)),
    );
  program
    .command('changes')
    .description('List changes detected since a date.')
    .requiredOption('--since <date>', 'ISO date or time')
    .option('--json', 'print JSON')
    .action((o: { since: string; json?: boolean }) => withContext(cli, (ctx) => changesCommand(cli, ctx, o)));
}
