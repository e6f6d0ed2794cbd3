/** `kbwatch scan`: scan every source (or one), with a progress bar on a terminal. */
import type { Command } from 'commander';
import { countEnabledSources } from '../store/sources.ts';
import type { ScanReport } from '../scan/report.ts';
import { scanAll } from '../scan/run.ts';
import { SourceError } from '../scan/sources.ts';
import { CliError, withContext, type Cli, type Output } from './context.ts';

function progressPrinter(stderr: Output): (source: string, done: number, total: number) => void {
  if (stderr.isTTY) {
    return (source, done, total) => {
      const width = 30;
      const filled = total > 0 ? Math.round((done / total) * width) : 0;
      stderr.write(
        `\r${source} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}${total ? `/${total}` : ''}   `,
      );
      if (total > 0 && done >= total) stderr.write('\n');
    };
  }
  let last = 0;
  return (source, done, total) => {
    if (Date.now() - last > 2000 || done === total) {
      last = Date.now();
      stderr.write(`scan: ${source}: ${done}${total ? ` of ${total}` : ''} files\n`);
    }
  };
}

function printSummary(cli: Cli, reports: ScanReport[]): void {
  for (const r of reports) {
    const c = r.counts;
    cli.out(
      `${r.name}: ${r.status} at ${r.ref ? r.ref.slice(0, 12) : '-'}: ${c.new} new, ${c.updated} updated, ${c.metadata} metadata, ${c.moved} moved, ${c.removed} removed, ${c.unchanged} unchanged, ${c.errors} errors (${(r.durationMs / 1000).toFixed(1)} s)`,
    );
    if (r.message && r.status === 'busy') cli.out(`  ${r.message}`);
    for (const e of r.errors.slice(0, 20)) cli.out(`  error ${e.path || '(source)'}: ${e.message}`);
    if (r.errors.length > 20) cli.out(`  … and ${r.errors.length - 20} more errors`);
  }
}

export function registerScanCommand(program: Command, cli: Cli): void {
  program
    .command('scan')
    .description('Scan sources for new, updated, moved and removed articles.')
    .option('--source <name>', 'scan only this source')
    .option('--ref <commit-or-branch>', 'scan a git source up to this commit (replays, pinning)')
    .option(
      '--allow-removals',
      "confirm removals over the guard's limit (5% and 20 articles); needs --source",
    )
    .option('--json', 'print one JSON object with every change')
    .action((o: { source?: string; ref?: string; json?: boolean; allowRemovals?: boolean }) =>
      withContext(cli, async (ctx) => {
        if (o.allowRemovals && !o.source)
          throw new CliError(
            'scan: --allow-removals needs --source: removals are confirmed one source at a time',
          );
        if (o.ref && !o.source) {
          if ((await countEnabledSources(ctx.store.db, 'git')) > 1)
            throw new CliError('scan: --ref needs --source when there is more than one git source');
        }
        let reports: ScanReport[];
        try {
          reports = await scanAll(ctx, {
            source: o.source,
            ref: o.ref,
            allowRemovals: o.allowRemovals === true,
            onProgress: o.json ? undefined : progressPrinter(cli.stderr),
          });
        } catch (err) {
          if (err instanceof SourceError) throw new CliError(err.message);
          throw err;
        }
        if (o.json) {
          const out = {
            sources: reports.map((r) => ({
              name: r.name,
              ref: r.ref,
              status: r.status,
              counts: r.counts,
              changes: r.changes.map((c) => ({
                kind: c.kind,
                path: c.path,
                previousPath: c.previousPath,
                kb: c.kb,
                title: c.title,
              })),
              errors: r.errors,
              ...(r.message ? { message: r.message } : {}),
            })),
          };
          cli.out(JSON.stringify(out));
        } else printSummary(cli, reports);
        // 2: a source failed; 3: a source was busy (another process is scanning it).
        if (reports.some((r) => r.status === 'failed')) cli.exitCode = 2;
        else if (reports.some((r) => r.status === 'busy')) cli.exitCode = 3;
      }),
    );
}
