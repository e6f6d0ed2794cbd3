/** Starts the real web server on loopback over an accounts test context (store, SMTP sink, clock). */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../src/web/server.ts';
import type { Dialect } from '../src/store/db.ts';
import { accountsContext, type AccountsTestContext } from './accounts-context.ts';
import { Browser } from './browser.ts';

export interface WebTest extends AccountsTestContext {
  app: FastifyInstance;
  base: string;
  browser(): Browser;
}

export async function startWeb(dialect: Dialect, env: Record<string, string> = {}): Promise<WebTest> {
  const t = await accountsContext(dialect, env);
  const app = buildServer(t.ctx);
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    ...t,
    app,
    base,
    browser: () => new Browser(base),
    async close() {
      await app.close();
      await t.close();
    },
  };
}

/** Adds technologies (with their lower-case name and slug as aliases) for subscription tests. */
export async function seedTechnologies(
  t: AccountsTestContext,
  techs: { slug: string; name: string }[],
): Promise<void> {
  const db = t.ctx.store.db;
  for (const tech of techs) {
    const row = await db
      .insertInto('technologies')
      .values({ slug: tech.slug, name: tech.name, kind: 'product', article_count: 1 })
      .returning('id')
      .executeTakeFirstOrThrow();
    const aliases = [...new Set([tech.name.toLowerCase(), tech.slug])];
    await db
      .insertInto('technology_aliases')
      .values(aliases.map((alias) => ({ alias, technology_id: row.id })))
      .execute();
  }
}
