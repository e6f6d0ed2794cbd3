/**
 * The mail interface: one message in, the server's verdict out. Two transports: pooled SMTP
 * (nodemailer) when KBWATCH_SMTP_URL is set, else `.eml` files under <data dir>/outbox. The
 * process's mailer is carried on the context (`ctx.mailer`, a `lazyMailer`).
 */
import { mkdirSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { connect as connectTcp, type Socket } from 'node:net';
import nodemailer from 'nodemailer';
import type { Config } from '../config/index.ts';

export interface OutgoingMail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Fixed Message-ID (without angle brackets is fine). */
  messageId?: string;
  headers?: Record<string, string>;
}

export interface SendResult {
  messageId: string;
  response: string;
}

export interface Mailer {
  readonly kind: 'smtp' | 'eml';
  send(mail: OutgoingMail): Promise<SendResult>;
  close(): Promise<void>;
}

/**
 * An SMTP failure. With a reply code: 4xx is temporary, 5xx permanent (a hard bounce). Without
 * one, the kind of error decides:
 * - the connection could not be made (refused, no route, DNS): temporary, nothing was sent;
 * - the connection broke or timed out once made: temporary and **ambiguous** — the server may
 *   have taken the message before its reply was lost, so the retry may duplicate it (the same
 *   Message-ID lets mail systems drop the copy);
 * - TLS, authentication or protocol trouble: temporary (the operator's to fix; the attempt limit
 *   still ends it);
 * - anything else (a message or envelope nodemailer refuses to send): permanent, not a bounce.
 */
export class MailError extends Error {
  constructor(
    message: string,
    readonly responseCode: number | undefined,
    readonly temporary: boolean,
    readonly ambiguous = false,
  ) {
    super(message);
  }
}

const NOT_CONNECTED = new Set([
  'ECONNECTTIMEOUT',
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EDNS',
]);
const CONNECTION_LOST = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'ECONNRESET', 'EPIPE']);
const SERVER_TROUBLE = new Set(['ETLS', 'EAUTH', 'EPROTOCOL', 'ESTREAM']);

export function classifySmtpError(err: unknown): MailError {
  const e = err as { responseCode?: number; code?: string; message?: string };
  const message = `deliver: ${e.message ?? String(err)}`;
  const code = e.responseCode;
  if (code !== undefined) return new MailError(message, code, code >= 400 && code < 500);
  const kind = e.code ?? '';
  if (NOT_CONNECTED.has(kind) || SERVER_TROUBLE.has(kind)) return new MailError(message, undefined, true);
  if (CONNECTION_LOST.has(kind)) return new MailError(message, undefined, true, true);
  return new MailError(message, undefined, false);
}

type MailerConfig = Pick<Config, 'smtpUrl' | 'mailFrom' | 'dataDir' | 'mailRate'>;

export function createMailer(config: MailerConfig): Mailer {
  if (config.smtpUrl) return smtpMailer(config.smtpUrl, config.mailFrom, config.mailRate);
  return emlMailer(join(config.dataDir, 'outbox'), config.mailFrom);
}

/** The nodemailer message for a mail: fixed Message-ID in angle brackets, our headers. */
function message(from: string, mail: OutgoingMail) {
  return {
    from,
    to: mail.to,
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    messageId: mail.messageId ? `<${mail.messageId.replace(/^<|>$/g, '')}>` : undefined,
    headers: mail.headers,
    // Our mail is mostly Latin text: fixing the encoding spares nodemailer a regex scan of every
    // part to choose one (a quarter of the sender's CPU at digest volume).
    textEncoding: 'quoted-printable' as const,
  };
}

/**
 * A TCP connection with Nagle's algorithm off, handed to nodemailer (which adds TLS itself for
 * smtps). Without it the end of each message's DATA waits for the server's delayed ACK, about
 * 40 ms, which caps a pooled connection at some 20 messages a second.
 */
function noDelaySocket(
  options: { host?: string; port?: number; connectionTimeout?: number },
  callback: (err: Error | null, socketOptions?: { connection: Socket }) => void,
): void {
  const socket = connectTcp({ host: options.host, port: options.port ?? 25, noDelay: true });
  const fail = (err: Error) => {
    socket.destroy();
    callback(err);
  };
  socket.setTimeout(options.connectionTimeout ?? 10_000, () =>
    fail(
      Object.assign(new Error(`deliver: connection to ${options.host}:${options.port} timed out`), {
        code: 'ECONNECTTIMEOUT',
      }),
    ),
  );
  socket.once('error', fail);
  socket.once('connect', () => {
    socket.setTimeout(0);
    socket.removeListener('error', fail);
    socket.setKeepAlive(true);
    callback(null, { connection: socket });
  });
}

function smtpMailer(url: string, from: string, rate: number): Mailer {
  const u = new URL(url);
  const transport = nodemailer.createTransport({
    pool: true,
    host: u.hostname,
    port: Number(u.port || 25),
    secure: u.protocol === 'smtps:',
    ignoreTLS: u.searchParams.get('tls') !== 'require' && u.protocol !== 'smtps:',
    auth: u.username
      ? { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) }
      : undefined,
    maxConnections: 4,
    maxMessages: Infinity,
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: 30_000,
    getSocket: noDelaySocket,
    ...(rate > 0 ? { rateDelta: 1000, rateLimit: rate } : {}),
  });
  return {
    kind: 'smtp',
    async send(mail) {
      try {
        const info = await transport.sendMail(message(from, mail));
        return { messageId: info.messageId, response: info.response };
      } catch (err) {
        throw classifySmtpError(err);
      }
    },
    async close() {
      transport.close();
    },
  };
}

function emlMailer(dir: string, from: string): Mailer {
  mkdirSync(dir, { recursive: true });
  const builder = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'eml',
    async send(mail) {
      const info = await builder.sendMail(message(from, mail));
      const id = info.messageId.replace(/[<>]/g, '').replace(/[^A-Za-z0-9._@-]/g, '_');
      const file = join(dir, `${id}.eml`);
      // Write then rename, so a reader never sees half a message.
      await writeFile(file + '.tmp', info.message as Buffer);
      await rename(file + '.tmp', file);
      return { messageId: info.messageId, response: `written ${file}` };
    },
    async close() {},
  };
}

/**
 * A mailer that opens its transport on the first message, so a context can carry one without
 * cost. `close()` ends the transport (and its SMTP pool); the next message opens a new one.
 */
export function lazyMailer(config: MailerConfig): Mailer {
  let open: Mailer | undefined;
  return {
    kind: config.smtpUrl ? 'smtp' : 'eml',
    async send(mail) {
      open ??= createMailer(config);
      return open.send(mail);
    },
    async close() {
      const closing = open;
      open = undefined;
      await closing?.close();
    },
  };
}

/** Closes the context's mailer; a later message opens it again. */
export async function closeMailer(ctx: { mailer: Mailer }): Promise<void> {
  await ctx.mailer.close();
}
