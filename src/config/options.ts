/** The declaration of every `KBWATCH_*` setting: name, type, default and a line of help. */

export type Kind = 'string' | 'int' | 'bool' | 'url' | 'enum';

export interface Option {
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
