/**
 * A digest test bench: a migrated store of one dialect, a loopback SMTP sink (with optional
 * faults), a pooled SMTP mailer pointed at it, three technologies, and helpers to publish
 * articles, record changes and run ticks at chosen times.
 */
import { createMailer, type Mailer } from '../src/deliver/mailer.ts';
import type { SendOptions } from '../src/deliver/sender.ts';
import { runDigestTick, type TickReport } from '../src/jobs/digest.ts';
import type { Context } from '../src/context.ts';
import type { Dialect, Store } from '../src/store/db.ts';
import { insertArticle, insertSource, insertTechnology } from './factories.ts';
import { insertChange, insertScan } from './digest-factories.ts';
import { startFaultSink, type FaultOptions, type FaultSink } from './smtp-fault-sink.ts';
import { testContext } from './context.ts';
import { createStore } from './stores.ts';

export const BASE_URL = 'https://kbwatch.example';

export interface DigestBench {
  store: Store;
  ctx: Context;
  sink: FaultSink;
  mailer: Mailer;
  sourceId: number;
  tech: { winsrv: number; sql: number; exchange: number };
  /** Publishes a new article (with a `new` change); returns the article id. */
  publish(
    title: string,
    technologies: number[],
    opts?: { kb?: number | null; body?: string },
  ): Promise<number>;
  /** Records an `updated` change of an article. */
  update(articleId: number, opts?: { minor?: boolean }): Promise<number>;
  /** One tick as if at `at`: compose what is due, send everything claimable. */
  tick(at: string, send?: Partial<SendOptions>): Promise<TickReport>;
  close(): Promise<void>;
}

let kbCounter = 900_000;

export async function digestBench(dialect: Dialect, faults: FaultOptions = {}): Promise<DigestBench> {
  const store = await createStore(dialect);
  const sink = await startFaultSink(faults);
  const ctx = testContext(store, {
    env: {
      KBWATCH_SMTP_URL: sink.url,
      KBWATCH_BASE_URL: BASE_URL,
      KBWATCH_MAIL_FROM: 'kbwatch <digest@kbwatch.example>',
    },
  });
  const mailer = createMailer(ctx.config);
  const db = store.db;
  const sourceId = await insertSource(db, 'support');
  const scanId = await insertScan(db, sourceId);
  const tech = {
    winsrv: await insertTechnology(db, { slug: 'windows-server', name: 'Windows Server' }),
    sql: await insertTechnology(db, { slug: 'sql-server', name: 'SQL Server' }),
    exchange: await insertTechnology(db, { slug: 'exchange-online', name: 'Exchange Online' }),
  };
  return {
    store,
    ctx,
    sink,
    mailer,
    sourceId,
    tech,
    async publish(title, technologies, opts = {}) {
      const kb = opts.kb === undefined ? ++kbCounter : opts.kb;
      const articleId = await insertArticle(db, {
        sourceId,
        title,
        kb,
        body: opts.body ?? `About ${title}.`,
        technologies,
      });
      await insertChange(db, { scanId, sourceId, articleId, kind: 'new' });
      return articleId;
    },
    update: (articleId, opts = {}) =>
      insertChange(db, { scanId, sourceId, articleId, kind: 'updated', minor: opts.minor }),
    tick(at, send = {}) {
      const when = new Date(at);
      const tickCtx: Context = { ...ctx, now: () => new Date(when.getTime()) };
      return runDigestTick(tickCtx, { at: when, send: { mailer, backoffMs: 5, maxBackoffMs: 50, ...send } });
    },
    async close() {
      await mailer.close();
      await sink.close();
      await store.close();
    },
  };
}
