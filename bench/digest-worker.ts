/**
 * One digest benchmark task per process, so peak RSS is the task's own. Prints one JSON line.
 * Tasks: setup, match, compose, send, baseline, sink.
 */
import { SMTPServer } from 'smtp-server';
import type { AddressInfo } from 'node:net';
import { connect } from '../src/store/db.ts';
import { testContext } from '../test/context.ts';
import { buildDigestBenchData } from './digest-data.ts';
import { composeDue } from '../src/digest/compose.ts';
import { evaluateQueries, ItemCache, itemsForUser } from '../src/match/match.ts';
import { loadWindow } from '../src/match/window.ts';
import { activeSubscriptions } from '../src/store/subscriptions.ts';
import { digestRecipients } from '../src/store/users.ts';
import { createMailer } from '../src/deliver/mailer.ts';
import { deliverQueued } from '../src/deliver/sender.ts';

const [task, argJson] = process.argv.slice(2);
const args = JSON.parse(argJson ?? '{}') as Record<string, string>;
const CONCURRENCY = 8;

const rssMB = () => process.resourceUsage().maxRSS / 1024;
const seconds = (t0: number) => (performance.now() - t0) / 1000;
/** CPU seconds of this process since `c0`: less sensitive than wall time to a busy machine. */
const cpuSeconds = (c0: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1e6;
};

async function withCtx<T>(
  fn: (ctx: ReturnType<typeof testContext>) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const store = await connect(args.url, { migrate: true });
  try {
    return await fn(testContext(store, { env }));
  } finally {
    await store.close();
  }
}

/** The first `n` digests queued again, every other one out of the way. */
async function requeue(ctx: ReturnType<typeof testContext>, n: number): Promise<number[]> {
  const db = ctx.store.db;
  const ids = (await db.selectFrom('digests').select('id').orderBy('id').limit(n).execute()).map((r) => r.id);
  await db.updateTable('digests').set({ status: 'sent' }).execute();
  await db
    .updateTable('digests')
    .set({ status: 'queued', attempts: 0, next_attempt_at: null, lease_until: null, sent_at: null })
    .where('id', '<=', ids[ids.length - 1])
    .execute();
  return ids;
}

async function main(): Promise<unknown> {
  switch (task) {
    case 'setup':
      return withCtx(async (ctx) => buildDigestBenchData(ctx));
    case 'match':
      return withCtx(async (ctx) => {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const users = (await digestRecipients(ctx.store.db)).map((u) => ({
          ...u,
          watermark: Number(args.aFrom),
        }));
        const subs = await activeSubscriptions(ctx.store.db);
        const window = await loadWindow(ctx.store.db, Number(args.aFrom), Number(args.aTo));
        const queries = [...subs.values()].flat().flatMap((s) => (s.query ? [s.query] : []));
        const hits = evaluateQueries(queries, window.articles.values());
        // As compose does: each user's items are made, used and dropped, never all held at once.
        const cache = new ItemCache(window);
        let usersWithItems = 0;
        let items = 0;
        for (const user of users) {
          const list = itemsForUser(user, subs.get(user.id) ?? [], cache, hits);
          if (list.length > 0) usersWithItems++;
          items += list.length;
        }
        const s = seconds(t0);
        return {
          seconds: s,
          cpuSeconds: cpuSeconds(c0),
          maxRssMB: rssMB(),
          users: users.length,
          usersWithItems,
          items,
          changes: [...window.articles.values()].reduce((n, a) => n + a.changes.length, 0),
        };
      });
    case 'compose':
      return withCtx(async (ctx) => {
        await ctx.store.db.deleteFrom('digests').execute();
        await ctx.store.db
          .updateTable('users')
          .set({ watermark: Number(args.aTo) })
          .execute();
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const r = await composeDue(ctx, new Date(args.at));
        return {
          seconds: seconds(t0),
          cpuSeconds: cpuSeconds(c0),
          queued: r.queued.length,
          empty: r.empty,
          maxRssMB: rssMB(),
        };
      });
    case 'send':
      return withCtx(
        async (ctx) => {
          const ids = await requeue(ctx, Number(args.n));
          const mailer = createMailer(ctx.config);
          const t0 = performance.now();
          const r = await deliverQueued(ctx, { mailer, concurrency: CONCURRENCY });
          const s = seconds(t0);
          await mailer.close();
          return {
            seconds: s,
            sent: r.sent,
            failed: r.failed + r.retried,
            perSecond: r.sent / s,
            expected: ids.length,
          };
        },
        { KBWATCH_SMTP_URL: args.smtpUrl },
      );
    case 'baseline':
      return withCtx(
        async (ctx) => {
          const rows = await ctx.store.db
            .selectFrom('digests as d')
            .innerJoin('digest_bodies as b', 'b.digest_id', 'd.id')
            .select(['d.to_address', 'd.subject', 'b.text_body', 'b.html_body', 'd.message_id', 'd.headers'])
            .orderBy('d.id')
            .limit(Number(args.n))
            .execute();
          const mailer = createMailer(ctx.config);
          const t0 = performance.now();
          let next = 0;
          let sent = 0;
          const lane = async () => {
            while (next < rows.length) {
              const r = rows[next++];
              await mailer.send({
                to: r.to_address,
                subject: r.subject,
                text: r.text_body,
                html: r.html_body,
                messageId: r.message_id,
                headers: JSON.parse(r.headers) as Record<string, string>,
              });
              sent++;
            }
          };
          await Promise.all(Array.from({ length: CONCURRENCY }, lane));
          const s = seconds(t0);
          await mailer.close();
          return { seconds: s, sent, perSecond: sent / s };
        },
        { KBWATCH_SMTP_URL: args.smtpUrl },
      );
    case 'sink': {
      let count = 0;
      const server = new SMTPServer({
        disabledCommands: ['STARTTLS'],
        authOptional: true,
        logger: false,
        disableReverseLookup: true,
        onData(stream, _session, callback) {
          stream.on('data', () => {});
          stream.on('end', () => {
            count++;
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
      process.stdout.write(JSON.stringify({ port: (server.server.address() as AddressInfo).port }) + '\n');
      process.on('SIGTERM', () => server.close(() => process.exit(0)));
      setInterval(() => process.stderr.write(''), 60_000).unref();
      return new Promise(() => void count);
    }
    default:
      throw new Error(`bench digest worker: unknown task ${task}`);
  }
}

const result = await main();
process.stdout.write(JSON.stringify(result) + '\n');
process.exit(0);
