/**
 * PostgreSQL connections: a statement over the statement timeout fails with an error naming the
 * setting, a server that does not answer fails within the connect timeout, and a connection the
 * server closes under a checked-out client fails that work only (the process goes on).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { sql } from 'kysely';
import { ConfigError, loadConfig } from '../config/index.ts';
import { runCli } from '../cli/index.ts';
import { createStore, skipReason } from '../../test/stores.ts';
import { connect, openStore, StoreConnectionError } from './db.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A TCP server that takes connections and never says a word (a server that hangs). */
async function silentServer(): Promise<{ port: number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as { port: number }).port,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

async function timed<T>(p: Promise<T>): Promise<{ ms: number; error: unknown }> {
  const start = Date.now();
  try {
    await p;
    return { ms: Date.now() - start, error: undefined };
  } catch (error) {
    return { ms: Date.now() - start, error };
  }
}

describe('database timeout settings', () => {
  test('defaults, zero and bounds', () => {
    const d = loadConfig({});
    assert.equal(d.dbConnectTimeoutMs, 10_000);
    assert.equal(d.dbStatementTimeoutMs, 300_000);
    const set = loadConfig({ KBWATCH_DB_CONNECT_TIMEOUT: '2', KBWATCH_DB_STATEMENT_TIMEOUT: '0' });
    assert.equal(set.dbConnectTimeoutMs, 2000);
    assert.equal(set.dbStatementTimeoutMs, 0);
    assert.throws(() => loadConfig({ KBWATCH_DB_CONNECT_TIMEOUT: '0' }), ConfigError);
    assert.throws(() => loadConfig({ KBWATCH_DB_STATEMENT_TIMEOUT: '-1' }), ConfigError);
  });
});

describe('PostgreSQL connections', async () => {
  const skip = await skipReason('postgres');

  test('a statement over the statement timeout fails with a clear error', { skip }, async () => {
    const base = await createStore('postgres');
    const store = openStore(base.url, { dbStatementTimeoutMs: 1000 });
    try {
      const { ms, error } = await timed(sql`SELECT pg_sleep(3)`.execute(store.db));
      assert.ok(error instanceof Error, 'the statement failed');
      assert.match(error.message, /canceling statement due to statement timeout/);
      assert.match(error.message, /over 1 s, KBWATCH_DB_STATEMENT_TIMEOUT/);
      assert.ok(ms >= 900 && ms < 2500, `cancelled after about a second (${ms} ms)`);
      const { rows } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(store.db);
      assert.equal(rows[0].ok, 1, 'the store still works');
    } finally {
      await store.close();
      await base.close();
    }
  });

  test('0 means no statement timeout; a transaction idle too long is ended', { skip }, async () => {
    const base = await createStore('postgres');
    const none = openStore(base.url, { dbStatementTimeoutMs: 0 });
    const short = openStore(base.url, { dbStatementTimeoutMs: 1000 });
    try {
      const shown = await sql<{ statement_timeout: string }>`SHOW statement_timeout`.execute(none.db);
      assert.equal(shown.rows[0].statement_timeout, '0');
      await sql`SELECT pg_sleep(1.2)`.execute(none.db);
      const idle = await sql<{
        idle_in_transaction_session_timeout: string;
      }>`SHOW idle_in_transaction_session_timeout`.execute(short.db);
      assert.equal(idle.rows[0].idle_in_transaction_session_timeout, '1s');
      const { error } = await timed(
        short.db.transaction().execute(async (trx) => {
          await sql`SELECT 1`.execute(trx);
          await sleep(1800);
          await sql`SELECT 2`.execute(trx);
        }),
      );
      assert.ok(error instanceof Error, 'the idle transaction was ended by the server');
      const { rows } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(short.db);
      assert.equal(rows[0].ok, 1, 'the next query gets a new connection');
    } finally {
      await none.close();
      await short.close();
      await base.close();
    }
  });

  test('a closed port fails at once with the server named', async () => {
    const port = await closedPort();
    const { ms, error } = await timed(
      connect(`postgres://postgres:secret@127.0.0.1:${port}/kbwatch`, { dbConnectTimeoutMs: 1000 }),
    );
    assert.ok(error instanceof StoreConnectionError, String(error));
    assert.match(
      error.message,
      new RegExp(`cannot connect to PostgreSQL at 127\\.0\\.0\\.1:${port}/kbwatch`),
    );
    assert.match(error.message, /ECONNREFUSED/);
    assert.doesNotMatch(error.message, /secret/, 'no password in the message');
    assert.ok(ms < 1500, `${ms} ms`);
  });

  test('a server that never answers fails within the connect timeout', { timeout: 20_000 }, async () => {
    const silent = await silentServer();
    try {
      const { ms, error } = await timed(
        connect(`postgres://postgres@127.0.0.1:${silent.port}/kbwatch`, { dbConnectTimeoutMs: 1000 }),
      );
      assert.ok(error instanceof StoreConnectionError, String(error));
      assert.match(
        error.message,
        /no connection to PostgreSQL at .* within 1 s \(KBWATCH_DB_CONNECT_TIMEOUT\)/,
      );
      assert.ok(ms >= 900 && ms < 3000, `failed after about a second (${ms} ms)`);

      // The command line reads the setting and prints the message alone.
      let stderr = '';
      const started = Date.now();
      const code = await runCli(['node', 'kbwatch', 'source', 'list'], {
        env: {
          KBWATCH_DATABASE_URL: `postgres://postgres@127.0.0.1:${silent.port}/kbwatch`,
          KBWATCH_DB_CONNECT_TIMEOUT: '1',
          KBWATCH_SECRET: 'pg-pool-test-secret',
          KBWATCH_LOG_LEVEL: 'silent',
        },
        stdout: { write: () => true },
        stderr: { write: (t: string) => (stderr += t) },
      });
      assert.equal(code, 1);
      assert.ok(Date.now() - started < 4000, `the command gave up in time (${Date.now() - started} ms)`);
      assert.match(stderr, /^kbwatch: store: no connection to PostgreSQL at .* within 1 s/);
      assert.doesNotMatch(stderr, /\n\s+at /, 'no stack trace');
    } finally {
      await silent.close();
    }
  });

  test('a connection killed while checked out fails its work, not the process', { skip }, async () => {
    const store = await createStore('postgres');
    try {
      const { error } = await timed(
        store.db.connection().execute(async (conn) => {
          const { rows } = await sql<{ pid: number }>`SELECT pg_backend_pid() AS pid`.execute(conn);
          // Another connection ends this one while it is held between two queries.
          await sql`SELECT pg_terminate_backend(${rows[0].pid})`.execute(store.db);
          await sleep(300);
          await sql`SELECT 1`.execute(conn);
        }),
      );
      assert.ok(error instanceof Error, 'the work on the dead connection failed');
      assert.match(
        error.message,
        /PostgreSQL connection closed: terminating connection due to administrator command/,
      );
      const { rows } = await sql<{ ok: number }>`SELECT 1 AS ok`.execute(store.db);
      assert.equal(rows[0].ok, 1, 'the store goes on with a new connection');
    } finally {
      await store.close();
    }
  });
});
