/**
 * Every setting kbwatch reads, declared once with its type, default and help.
 * This module is the only reader of process.env; the result is validated and frozen.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Kind = 'string' | 'int' | 'bool' | 'url' | 'enum';

interface Option {
  name: string;
  kind: Kind;
  default: string | undefined;
  help: string;
  values?: readonly string[];
  min?: number;
  max?: number;
}

export const OPTIONS = [
  {
    name: 'KBWATCH_DATA_DIR',
    kind: 'string',
    default: './data',
    help: 'Directory for the SQLite file, git mirrors, .eml outbox and the generated secret.',
  },
  {
    name: 'KBWATCH_DATABASE_URL',
    kind: 'string',
    default: undefined,
    help: 'sqlite:<file> or postgres://… (default sqlite:<data dir>/kbwatch.db).',
  },
  {
    name: 'KBWATCH_DB_CONNECT_TIMEOUT',
    kind: 'int',
    default: '10',
    help: 'PostgreSQL: seconds to open a connection, or to wait for a free one in the pool, before failing.',
    min: 1,
  },
  {
    name: 'KBWATCH_DB_STATEMENT_TIMEOUT',
    kind: 'int',
    default: '300',
    help: 'PostgreSQL: seconds any statement may run, and a transaction may sit idle, before the server cancels it (0: no limit).',
    min: 0,
  },
  {
    name: 'KBWATCH_PORT',
    kind: 'int',
    default: '8080',
    help: 'HTTP port of `kbwatch serve`.',
    min: 0,
    max: 65535,
  },
  { name: 'KBWATCH_HOST', kind: 'string', default: '127.0.0.1', help: 'Address the server binds.' },
  {
    name: 'KBWATCH_BASE_URL',
    kind: 'url',
    default: undefined,
    help: 'Public base URL used in mail and feeds (default http://localhost:<port>).',
  },
  {
    name: 'KBWATCH_SMTP_URL',
    kind: 'url',
    default: undefined,
    help: 'smtp://user:pass@host:port; unset writes .eml files under <data dir>/outbox.',
  },
  {
    name: 'KBWATCH_MAIL_FROM',
    kind: 'string',
    default: 'kbwatch <kbwatch@localhost>',
    help: 'Sender of every mail.',
  },
  {
    name: 'KBWATCH_MAIL_RATE',
    kind: 'int',
    default: '0',
    help: 'Maximum messages per second (0: no limit).',
    min: 0,
  },
  {
    name: 'KBWATCH_SECRET',
    kind: 'string',
    default: undefined,
    help: 'Signing secret for tokens; generated and kept in <data dir>/secret if unset.',
  },
  {
    name: 'KBWATCH_SOURCES',
    kind: 'enum',
    default: 'default',
    values: ['default', 'none'],
    help: 'Sources added to a fresh database: the two MicrosoftDocs repositories, or none.',
  },
  {
    name: 'KBWATCH_SCAN_SCHEDULE',
    kind: 'string',
    default: '0 3 * * *',
    help: 'Cron expression (server time) for the nightly scan.',
  },
  {
    name: 'KBWATCH_DIGEST_TICK',
    kind: 'string',
    default: '*/5 * * * *',
    help: 'Cron expression for the digest tick.',
  },
  {
    name: 'KBWATCH_SCAN_ON_START',
    kind: 'bool',
    default: 'true',
    help: 'Run a scan in the background when `serve` starts and the database has never been scanned.',
  },
  {
    name: 'KBWATCH_JOBS',
    kind: 'bool',
    default: 'true',
    help: 'Run the scheduler inside `serve` (false: web only).',
  },
  {
    name: 'KBWATCH_LEASE_SECONDS',
    kind: 'int',
    default: '60',
    help: "How long a scan lock outlives its holder's last heartbeat (a crashed process's lock frees after this).",
  },
  {
    name: 'KBWATCH_SHUTDOWN_SECONDS',
    kind: 'int',
    default: '30',
    help: 'On SIGTERM, how long running scans and digest ticks may take to finish before the process exits.',
  },
  {
    name: 'KBWATCH_GIT_TIMEOUT',
    kind: 'int',
    default: '600',
    help: 'Seconds any git command may take.',
    min: 1,
  },
  {
    name: 'KBWATCH_MAX_ARTICLE_BYTES',
    kind: 'int',
    default: '5000000',
    help: 'Articles larger than this are recorded as errors and skipped.',
    min: 1000,
  },
  {
    name: 'KBWATCH_NOW',
    kind: 'string',
    default: undefined,
    help: 'Fix the clock (ISO time), for tests and replays.',
  },
  {
    name: 'KBWATCH_LOG_LEVEL',
    kind: 'enum',
    default: 'info',
    values: ['debug', 'info', 'warn', 'error', 'silent'],
    help: 'Log verbosity.',
  },
  {
    name: 'KBWATCH_TRUST_PROXY',
    kind: 'bool',
    default: 'false',
    help: 'Trust X-Forwarded-* headers (behind a reverse proxy).',
  },
] as const satisfies readonly Option[];

export type OptionName = (typeof OPTIONS)[number]['name'];

export interface Config {
  dataDir: string;
  databaseUrl: string;
  dbConnectTimeoutMs: number;
  dbStatementTimeoutMs: number;
  port: number;
  host: string;
  baseUrl: string;
  smtpUrl: string | undefined;
  mailFrom: string;
  mailRate: number;
  secret: string;
  sources: 'default' | 'none';
  scanSchedule: string;
  digestTick: string;
  scanOnStart: boolean;
  jobs: boolean;
  shutdownMs: number;
  leaseMs: number;
  gitTimeoutMs: number;
  maxArticleBytes: number;
  now: Date | undefined;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  trustProxy: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    message: string,
  ) {
    super(`config: ${variable}: ${message}`);
  }
}

function parseValue(opt: Option, raw: string): string | number | boolean {
  switch (opt.kind) {
    case 'int': {
      if (!/^-?\d+$/.test(raw.trim())) throw new ConfigError(opt.name, `expected an integer, got "${raw}"`);
      const n = Number(raw);
      if (opt.min !== undefined && n < opt.min)
        throw new ConfigError(opt.name, `must be at least ${opt.min}`);
      if (opt.max !== undefined && n > opt.max) throw new ConfigError(opt.name, `must be at most ${opt.max}`);
      return n;
    }
    case 'bool': {
      const v = raw.trim().toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      throw new ConfigError(opt.name, `expected true or false, got "${raw}"`);
    }
    case 'url': {
      try {
        new URL(raw);
      } catch {
        throw new ConfigError(opt.name, `not a valid URL: "${raw}"`);
      }
      return raw.replace(/\/+$/, '');
    }
    case 'enum':
      if (!opt.values!.includes(raw))
        throw new ConfigError(opt.name, `expected one of ${opt.values!.join(', ')}, got "${raw}"`);
      return raw;
    default:
      return raw;
  }
}

/** Reads and validates every option; `overrides` (from CLI flags) win over the environment. */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  overrides: Partial<Record<OptionName, string>> = {},
): Config {
  const v: Record<string, string | number | boolean | undefined> = {};
  for (const opt of OPTIONS as readonly Option[]) {
    const raw = overrides[opt.name as OptionName] ?? env[opt.name] ?? opt.default;
    v[opt.name] = raw === undefined || raw === '' ? undefined : parseValue(opt, raw);
  }
  const dataDir = resolve(v.KBWATCH_DATA_DIR as string);
  const databaseUrl =
    (v.KBWATCH_DATABASE_URL as string | undefined) ?? `sqlite:${join(dataDir, 'kbwatch.db')}`;
  if (!/^(sqlite:|postgres(ql)?:\/\/)/.test(databaseUrl)) {
    throw new ConfigError(
      'KBWATCH_DATABASE_URL',
      `expected sqlite:<file> or postgres://…, got "${databaseUrl}"`,
    );
  }
  let now: Date | undefined;
  if (v.KBWATCH_NOW !== undefined) {
    now = new Date(v.KBWATCH_NOW as string);
    if (Number.isNaN(now.getTime()))
      throw new ConfigError('KBWATCH_NOW', `not an ISO time: "${v.KBWATCH_NOW}"`);
  }
  const port = v.KBWATCH_PORT as number;
  return Object.freeze({
    dataDir,
    databaseUrl,
    dbConnectTimeoutMs: (v.KBWATCH_DB_CONNECT_TIMEOUT as number) * 1000,
    dbStatementTimeoutMs: (v.KBWATCH_DB_STATEMENT_TIMEOUT as number) * 1000,
    port,
    host: v.KBWATCH_HOST as string,
    baseUrl: (v.KBWATCH_BASE_URL as string | undefined) ?? `http://localhost:${port}`,
    smtpUrl: v.KBWATCH_SMTP_URL as string | undefined,
    mailFrom: v.KBWATCH_MAIL_FROM as string,
    mailRate: v.KBWATCH_MAIL_RATE as number,
    secret: (v.KBWATCH_SECRET as string | undefined) ?? '',
    sources: v.KBWATCH_SOURCES as Config['sources'],
    scanSchedule: v.KBWATCH_SCAN_SCHEDULE as string,
    digestTick: v.KBWATCH_DIGEST_TICK as string,
    scanOnStart: v.KBWATCH_SCAN_ON_START as boolean,
    jobs: v.KBWATCH_JOBS as boolean,
    shutdownMs: (v.KBWATCH_SHUTDOWN_SECONDS as number) * 1000,
    leaseMs: (v.KBWATCH_LEASE_SECONDS as number) * 1000,
    gitTimeoutMs: (v.KBWATCH_GIT_TIMEOUT as number) * 1000,
    maxArticleBytes: v.KBWATCH_MAX_ARTICLE_BYTES as number,
    now,
    logLevel: v.KBWATCH_LOG_LEVEL as Config['logLevel'],
    trustProxy: v.KBWATCH_TRUST_PROXY as boolean,
  });
}

/** The secret from config, else the one kept in the data directory, else a new one written there. */
export function ensureSecret(config: Config): Config {
  if (config.secret) return config;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, 'secret');
  let secret: string;
  if (existsSync(file)) secret = readFileSync(file, 'utf8').trim();
  else {
    secret = randomBytes(32).toString('base64url');
    writeFileSync(file, secret + '\n', { mode: 0o600 });
  }
  return Object.freeze({ ...config, secret });
}

/** The current time, or the fixed one from KBWATCH_NOW. */
export function now(config: Pick<Config, 'now'>): Date {
  return config.now ? new Date(config.now.getTime()) : new Date();
}

/** Markdown table of every option, for the README. */
export function optionsTable(): string {
  const rows = (OPTIONS as readonly Option[]).map(
    (o) =>
      `| \`${o.name}\` | ${o.kind}${o.values ? ` (${o.values.join(', ')})` : ''} | ${o.default === undefined ? '—' : `\`${o.default}\``} | ${o.help} |`,
  );
  return ['| variable | type | default | meaning |', '|---|---|---|---|', ...rows].join('\n');
}
