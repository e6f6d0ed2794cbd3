/**
 * `kbwatch digest run`: one digest tick (compose what is due, send what is queued), optionally as
 * if at another time. `kbwatch outbox`: the digests in the outbox and how their delivery went.
 */
import type { Command } from 'commander';
import type { Context } from '../context.ts';
import { closeMailer } from '../deliver/mailer.ts';
import { listOutbox } from '../store/outbox.ts';
import type { Digest } from '../store/schema.ts';
import { runDigestTick } from '../jobs/digest.ts';
import { CliError, withContext, type Cli } from './context.ts';

const STATUSES: Digest['status'][] = ['queued', 'sending', 'sent', 'failed', 'suppressed'];

function parseAt(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(at.getTime()))
    throw new CliError(`digest run: --at expects an ISO time such as 2026-10-25T07:30:00Z, got "${value}"`);
  return at;
}

function positive(value: string, flag: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new CliError(`${flag} expects a positive number, got "${value}"`);
  return n;
}

async function digestRun(
  cli: Cli,
  ctx: Context,
  o: { at?: string; json?: boolean; lease: string; composeOnly?: boolean },
): Promise<void> {
  const at = parseAt(o.at);
  const tickCtx: Context = at ? { ...ctx, now: () => new Date(at.getTime()) } : ctx;
  try {
    const report = await runDigestTick(tickCtx, {
      at,
      composeOnly: o.composeOnly,
      send: { leaseMs: positive(o.lease, '--lease') * 1000 },
    });
    if (o.json) {
      cli.out(
        JSON.stringify(
          report.digests.map((d) => ({
            user: d.user,
            period: d.period,
            items: d.items,
            messageId: d.messageId,
            status: d.status,
          })),
          null,
          2,
        ),
      );
      return;
    }
    const c = report.compose;
    const s = report.delivery;
    cli.out(
      `digest: ${c ? `${c.due} due, ${c.queued.length} queued, ${c.empty} with nothing new` : 'composing skipped (changes busy)'}; ${s ? `${s.sent} sent, ${s.retried} to retry, ${s.failed} failed` : 'sending skipped'}`,
    );
    for (const d of report.digests)
      cli.out(`  ${d.user}  ${d.period}  ${d.items} item(s)  ${d.status}${d.error ? `  ${d.error}` : ''}`);
  } finally {
    await closeMailer(ctx);
  }
}

async function outbox(
  cli: Cli,
  ctx: Context,
  o: { json?: boolean; status?: string; limit: string },
): Promise<void> {
  if (o.status !== undefined && !STATUSES.includes(o.status as Digest['status']))
    throw new CliError(`outbox: --status expects one of ${STATUSES.join(', ')}, got "${o.status}"`);
  const rows = await listOutbox(ctx.store.db, {
    status: o.status as Digest['status'] | undefined,
    limit: positive(o.limit, '--limit'),
  });
  if (o.json) {
    cli.out(
      JSON.stringify(
        rows.map((r) => ({
          id: r.id,
          user: r.user,
          period: r.period,
          status: r.status,
          items: r.items,
          attempts: r.attempts,
          ambiguous: r.ambiguous,
          lastError: r.lastError,
          nextAttemptAt: r.nextAttemptAt,
          sentAt: r.sentAt,
        })),
        null,
        2,
      ),
    );
    return;
  }
  if (rows.length === 0) cli.out('outbox: empty');
  for (const r of rows) {
    cli.out(
      `${String(r.id).padStart(6)}  ${r.status.padEnd(10)}  ${r.period}  ${r.user}  ${r.items} item(s)  ${r.attempts} attempt(s)${r.ambiguous ? ` (${r.ambiguous} unknown outcome)` : ''}  ${r.sentAt ?? ''}${r.lastError ? `  ${r.lastError}` : ''}`,
    );
  }
}

export function registerDigestCommands(program: Command, cli: Cli): void {
  const digest = program.command('digest').description('Compose and send the digest e-mails.');
  digest
    .command('run')
    .description('One digest tick: compose every digest due now (or at --at) and send everything queued.')
    .option('--at <iso-time>', 'run as if at this time (KBWATCH_NOW also fixes the clock)')
    .option('--json', 'print each digest queued or sent: user, period, items, messageId, status')
    .option('--compose-only', 'queue the digests but leave sending to a worker')
    .option(
      '--lease <seconds>',
      'how long a message being sent is held before another process may take it over',
      '120',
    )
    .action((o: { at?: string; json?: boolean; lease: string; composeOnly?: boolean }) =>
      withContext(cli, (ctx) => digestRun(cli, ctx, o)),
    );
  program
    .command('outbox')
    .description('List the digests in the outbox, newest first, with their delivery status.')
    .option(
      '--json',
      'print JSON: id, user, period, status, items, attempts, ambiguous (attempts whose outcome was unknown), lastError, nextAttemptAt, sentAt',
    )
    .option('--status <status>', `only this status (${STATUSES.join(', ')})`)
    .option('--limit <n>', 'at most this many rows', '1000')
    .action((o: { json?: boolean; status?: string; limit: string }) =>
      withContext(cli, (ctx) => outbox(cli, ctx, o)),
    );
}
