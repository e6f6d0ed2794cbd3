/**
 * Helpers for tests that take the database away mid-work: a classic source of generated KB
 * text files, ending every PostgreSQL backend of a test database (a stand-in for a server
 * restart), and a snapshot of what a scan wrote, to compare with a clean run's.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store } from '../src/store/db.ts';
import { PG_ADMIN_URL } from './stores.ts';

/** One classic KB text file (`DOCUMENT:Q…` header, body, trailer). */
export function classicArticle(q: number, opts: { title?: string; body?: string } = {}): string {
  const title = opts.title ?? `Generated article ${q} about widget services`;
  const body = opts.body ?? `Widget service ${q} stops when the queue is full. `.repeat(20);
  return [
    `DOCUMENT:Q${q}  08-AUG-2001  [winnt]`,
    `TITLE   :${title}`,
    'PRODUCT :Microsoft Windows NT',
    'PROD/VER:winnt:3.5,3.51,4.0',
    'OPER/SYS:',
    'KEYWORDS:kbnetwork kbAPI',
    '',
    '======================================================================',
    body,
    '',
  ].join('\n');
}

/** A directory of `n` classic articles, Q numbers from `first`; returns its path. */
export function classicFixture(n: number, first = 200_000, dir?: string): string {
  const root = dir ?? mkdtempSync(join(tmpdir(), 'kbwatch-classic-'));
  for (let i = 0; i < n; i++) writeClassic(root, first + i);
  return root;
}

/** Writes (or rewrites) the file of article `q` under a classic fixture. */
export function writeClassic(root: string, q: number, opts: { title?: string; body?: string } = {}): void {
  const folder = join(root, 'txt', String(q).slice(0, 3));
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, `Q${q}.TXT`), classicArticle(q, opts));
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Ends every backend connected to the store's database; returns how many. */
export function terminateBackends(url: string): Promise<number> {
  return admin(async (c) => {
    const { rows } = await c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid()) t`,
      [databaseOf(url)],
    );
    return rows[0].n;
  });
}

/**
 * Waits until a backend of the database runs a statement (one whose text is LIKE `query`, when
 * given) or sits in a transaction, then ends every backend of it: the server goes away in the
 * middle of a write. Returns how many ended.
 */
export function terminateWhenBusy(
  url: string,
  opts: { query?: string; timeoutMs?: number } = {},
): Promise<number> {
  const db = databaseOf(url);
  const busy = opts.query
    ? `state = 'active' AND query LIKE $2`
    : `(state = 'active' OR state LIKE 'idle in transaction%')`;
  const params = opts.query ? [db, opts.query] : [db];
  return admin(async (c) => {
    const end = Date.now() + (opts.timeoutMs ?? 60_000);
    while (Date.now() < end) {
      const { rows } = await c.query<{ n: number }>(
        `WITH busy AS (SELECT 1 FROM pg_stat_activity
            WHERE datname = $1 AND pid <> pg_backend_pid() AND ${busy} LIMIT 1)
         SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
          WHERE datname = $1 AND pid <> pg_backend_pid() AND EXISTS (SELECT 1 FROM busy)`,
        params,
      );
      if (rows[0].n > 0) return rows[0].n;
    }
    throw new Error(`no backend of the database became busy${opts.query ? ` with ${opts.query}` : ''}`);
  });
}

/**
 * Ends every backend of the database while one of them is certainly in the middle of a
 * statement LIKE `query`: rows are locked first (`lockSql`, in a transaction of this helper's
 * own connection to the database), the statement is seen waiting on them, then every other
 * backend is ended and the locks are let go. Nothing locked, or nothing waiting within a
 * second: the locks are let go and taken again. Returns how many backends ended.
 */
export async function terminateWhileBlocked(
  url: string,
  lockSql: string,
  query: string,
  timeoutMs = 60_000,
): Promise<number> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const waiting = () =>
    c.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity
        WHERE datname = current_database() AND pid <> pg_backend_pid()
          AND wait_event_type = 'Lock' AND query LIKE $1`,
      [query],
    );
  try {
    const end = Date.now() + timeoutMs;
    while (Date.now() < end) {
      await c.query('BEGIN');
      const locked = await c.query(lockSql);
      const until = Date.now() + (locked.rowCount ? 1000 : 0);
      while (Date.now() < until) {
        if ((await waiting()).rows[0].n > 0) {
          const killed = await c.query<{ n: number }>(
            `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
              WHERE datname = current_database() AND pid <> pg_backend_pid()`,
          );
          return killed.rows[0].n;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
      await c.query('ROLLBACK');
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`no statement like ${query} came to wait on the locked rows`);
  } finally {
    await c.query('ROLLBACK').catch(() => {});
    await c.end();
  }
}

/** What scans wrote, keyed by identity (not by generated ids or scan rows): comparable across databases. */
export async function scanSnapshot(store: Store): Promise<unknown> {
  const db = store.db;
  const articles = await db
    .selectFrom('articles')
    .select([
      'key',
      'kb',
      'path',
      'title',
      'revision',
      'revision_count',
      'content_hash',
      'meta_hash',
      'retired',
    ])
    .orderBy('key')
    .execute();
  const revisions = await db
    .selectFrom('revisions')
    .innerJoin('articles', 'articles.id', 'revisions.article_id')
    .select(['articles.key', 'revisions.number', 'revisions.path', 'revisions.content_hash'])
    .orderBy('articles.key')
    .orderBy('revisions.number')
    .execute();
  const changes = await db
    .selectFrom('changes')
    .innerJoin('articles', 'articles.id', 'changes.article_id')
    .select(['articles.key', 'changes.kind', 'changes.path', 'changes.kb', 'changes.title', 'changes.minor'])
    .orderBy('articles.key')
    .orderBy('changes.kind')
    .execute();
  const links = await db
    .selectFrom('article_technologies')
    .innerJoin('articles', 'articles.id', 'article_technologies.article_id')
    .innerJoin('technologies', 'technologies.id', 'article_technologies.technology_id')
    .select(['articles.key', 'technologies.slug'])
    .orderBy('articles.key')
    .orderBy('technologies.slug')
    .execute();
  const sources = await db.selectFrom('sources').select(['name', 'cursor']).orderBy('name').execute();
  return { articles, revisions, changes, links, sources };
}
