/**
 * Every setting kbwatch reads, declared once with its type, default and help.
 * This module is the only reader of process.env; the result is validated and frozen.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { OPTIONS, type Option, type OptionName } from './options.ts';

export { OPTIONS, type OptionName } from './options.ts';

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
