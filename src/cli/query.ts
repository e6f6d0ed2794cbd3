/** `kbwatch search`, `kbwatch article`, `kbwatch changes`. */
import type { Command } from 'commander';
import { QueryError } from '../query/index.ts';
import { search } from '../store/search/index.ts';
import {
  changesSince,
  findArticleByKb,
  findArticleByPath,
  revisionsOf,
  technologiesOfArticle,
} from '../store/article-read.ts';
import { CliError, withContext } from './context.ts';

function parseLimit(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000)
    throw new CliError(`--limit must be a whole number from 1 to 1000, got "${v}"`);
  return n;
}

export function registerQueryCommands(program: Command): void {
  program
    .command('search <query...>')
    .description('Search the archive with the query language.')
    .option('--limit <n>', 'number of results', '10')
    .option('--json', 'print JSON')
    .action((words: string[], o: { limit: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const q = words.join(' ');
        let result;
        try {
          result = await search(ctx.store, q, { limit: parseLimit(o.limit), facets: Boolean(o.json) });
        } catch (err) {
          if (err instanceof QueryError) throw new CliError(err.message);
          throw err;
        }
        if (o.json) {
          console.log(
            JSON.stringify({
              total: result.total,
              results: result.results,
              facets: result.facets,
              jump: result.jump ?? null,
            }),
          );
          return;
        }
        if (result.jump) console.log(`KB${result.jump.kb} → article ${result.jump.articleId}`);
        console.log(`${result.total} result(s)`);
        for (const r of result.results) {
          console.log(`${r.kb ? `KB${r.kb}` : r.path}\t${r.title}`);
          console.log(
            `\t${r.snippet
              .replace(/<\/?mark>/g, '*')
              .replace(/&lt;/g, '<')
              .replace(/&gt;/g, '>')
              .replace(/&quot;/g, '"')
              .replace(/&#39;/g, "'")
              .replace(/&amp;/g, '&')}`,
          );
        }
      }),
    );

  program
    .command('article <kb-number-or-path>')
    .description('Show an article: metadata and revision list.')
    .option('--json', 'print JSON')
    .action((ref: string, o: { json?: boolean }) =>
      withContext(async (ctx) => {
        const m = /^(?:kb|q)?(\d+)$/i.exec(ref.trim());
        const article = m
          ? await findArticleByKb(ctx.store.db, Number(m[1]))
          : await findArticleByPath(ctx.store.db, ref);
        if (!article) throw new CliError(`article: no article ${ref}`);
        const revisions = await revisionsOf(ctx.store.db, article.id);
        const techs = await technologiesOfArticle(ctx.store.db, article.id);
        if (o.json) {
          console.log(
            JSON.stringify({
              ...article,
              body_html: undefined,
              products: JSON.parse(article.products),
              areas: JSON.parse(article.areas),
              keywords: JSON.parse(article.keywords),
              technologies: techs,
              revisions,
            }),
          );
          return;
        }
        console.log(`${article.title}`);
        console.log(
          `Article ID: ${article.kb ?? '-'}  Revision: ${article.revision}  Last Review: ${article.last_reviewed ?? '-'}${article.retired ? '  (retired)' : ''}`,
        );
        console.log(`Path: ${article.path}`);
        if (article.url) console.log(`URL: ${article.url}`);
        console.log(`Applies to: ${JSON.parse(article.products).join('; ') || '-'}`);
        console.log(`Keywords: ${JSON.parse(article.keywords).join(' ') || '-'}`);
        console.log(`Technologies: ${techs.map((t) => t.name).join(', ') || '-'}`);
        console.log(`First seen ${article.first_seen}, last changed ${article.last_changed}`);
        console.log('Revisions:');
        for (const r of revisions)
          console.log(
            `  ${r.number}\t${r.seen_at}\t${r.source}\t${r.path}${r.ref ? `\t${r.ref.slice(0, 12)}` : ''}`,
          );
      }),
    );

  program
    .command('changes')
    .description('List changes detected since a date.')
    .requiredOption('--since <date>', 'ISO date or time')
    .option('--json', 'print JSON')
    .action((o: { since: string; json?: boolean }) =>
      withContext(async (ctx) => {
        const since = new Date(o.since);
        if (Number.isNaN(since.getTime()))
          throw new CliError(`changes: --since must be an ISO date, got "${o.since}"`);
        const rows = await changesSince(ctx.store.db, since.toISOString());
        if (o.json) {
          console.log(
            JSON.stringify({
              changes: rows.map((c) => ({
                kind: c.kind,
                path: c.path,
                previousPath: c.previous_path,
                kb: c.kb,
                title: c.title,
                source: c.source,
                detectedAt: c.detected_at,
                summary: c.summary ? JSON.parse(c.summary) : null,
                minor: c.minor === 1,
              })),
            }),
          );
          return;
        }
        for (const c of rows)
          console.log(
            `${c.detected_at}\t${c.kind}\t${c.kb ? `KB${c.kb}` : '-'}\t${c.path}${c.previous_path ? ` (from ${c.previous_path})` : ''}\t${c.title}`,
          );
        if (rows.length === 0) console.log('no changes');
      }),
    );
}
