/**
 * The PostgreSQL connection pool behind the store, made to survive the server going away:
 *
 * - opening a connection (or waiting for a free one) fails after the connect timeout with an
 *   error naming the server, instead of hanging;
 * - the server cancels a statement that runs, or a transaction that sits idle, longer than the
 *   statement timeout (a stuck statement or process must not hold locks for ever);
 * - a connection the server closes (restart, `pg_terminate_backend`, failover, idle timeout) is
 *   reported and dropped, whether it was idle in the pool or checked out between two queries
 *   (a scan's transaction, a lock's session): without a listener on every client, pg would
 *   raise that as an uncaught error and end the process. The work on it fails with the
 *   server's message; the next query opens a new connection.
 */
import type { PostgresPool, PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { loadConfig } from '../config/index.ts';

// Bigint columns (COUNT(*), bigserial) come back as strings from pg by default; our counts fit.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

/** How a store is opened. The timeouts apply to PostgreSQL; their defaults are the settings' defaults. */
export interface StoreOptions {
  poolSize?: number;
  /** Opening a connection, or waiting for a free one in the pool, fails after this long. */
  dbConnectTimeoutMs?: number;
  /** The server cancels a statement running, or a transaction idle, this long (0: no limit). */
  dbStatementTimeoutMs?: number;
}

/** The database server cannot be reached, or gave no connection in time. */
export class StoreConnectionError extends Error {}

/** host:port/database of a URL, without credentials. */
function serverOf(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return 'the configured server';
  }
}

function connectError(url: string, timeoutMs: number, err: unknown): StoreConnectionError {
  const why = err instanceof Error ? err.message : String(err);
  const timedOut = /timeout/i.test(why);
  return new StoreConnectionError(
    timedOut
      ? `store: no connection to PostgreSQL at ${serverOf(url)} within ${timeoutMs / 1000} s (KBWATCH_DB_CONNECT_TIMEOUT): ${why}`
      : `store: cannot connect to PostgreSQL at ${serverOf(url)}: ${why}`,
    { cause: err },
  );
}

/** pg's words for a query on a connection that is gone. */
const LOST = /not queryable|Connection terminated/;

/**
 * A query's error, made clearer: the server's "statement timeout" cancellation names the setting
 * that decides it; a query on a connection the server had closed says why it was closed.
 */
function explained(err: unknown, statementTimeoutMs: number, closedBy: Error | undefined): unknown {
  if (!(err instanceof Error)) return err;
  if ((err as { code?: string }).code === '57014' && /statement timeout/.test(err.message))
    err.message = `${err.message} (over ${statementTimeoutMs / 1000} s, KBWATCH_DB_STATEMENT_TIMEOUT)`;
  else if (LOST.test(err.message) || ['ECONNRESET', 'EPIPE'].includes((err as { code?: string }).code ?? ''))
    return new Error(`PostgreSQL connection closed: ${(closedBy ?? err).message}`, { cause: err });
  return err;
}

/** A pool for Kysely's PostgresDialect with the timeouts and the error handling above. */
export function postgresPool(url: string, options: StoreOptions): PostgresPool {
  const defaults = loadConfig({});
  const connectTimeoutMs = options.dbConnectTimeoutMs ?? defaults.dbConnectTimeoutMs;
  const statementTimeoutMs = options.dbStatementTimeoutMs ?? defaults.dbStatementTimeoutMs;
  const pool = new pg.Pool({
    connectionString: url,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: connectTimeoutMs,
    keepAlive: true,
    ...(statementTimeoutMs > 0
      ? { statement_timeout: statementTimeoutMs, idle_in_transaction_session_timeout: statementTimeoutMs }
      : {}),
  });
  /** Why the server closed a connection, for the work still using it. */
  const closed = new WeakMap<pg.PoolClient, Error>();
  pool.on('connect', (client) => {
    client.on('error', (err) => {
      if (closed.has(client)) return; // a closed connection says so more than once
      closed.set(client, err);
      process.stderr.write(`store: PostgreSQL connection closed: ${err.message}\n`);
    });
  });
  pool.on('error', () => {}); // an idle client's error: reported by the client's own listener above
  return {
    async connect(): Promise<PostgresPoolClient> {
      const client = await pool.connect().catch((err: unknown) => {
        throw connectError(url, connectTimeoutMs, err);
      });
      return {
        query: ((text: any, params?: any) => {
          if (typeof text !== 'string') return client.query(text);
          return client.query(text, params).catch((err: unknown) => {
            throw explained(err, statementTimeoutMs, closed.get(client));
          });
        }) as PostgresPoolClient['query'],
        release: (destroy?: boolean) => client.release(destroy),
      };
    },
    end: () => pool.end(),
  };
}
