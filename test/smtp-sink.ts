/**
 * A real SMTP server on loopback for tests: accepts every message, parses it with mailparser
 * and keeps it for the test to read back.
 */
import { SMTPServer } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface ReceivedMail {
  to: string[];
  subject: string;
  text: string;
  parsed: ParsedMail;
}

export interface SmtpSink {
  url: string;
  messages: ReceivedMail[];
  /** Messages sent to one address (case-insensitive). */
  to(address: string): ReceivedMail[];
  /** Waits until a message to `address` arrives whose subject matches, and returns the newest. */
  waitFor(address: string, subject?: RegExp, timeoutMs?: number): Promise<ReceivedMail>;
  close(): Promise<void>;
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((parsed) => {
          const to = (session.envelope.rcptTo ?? []).map((r) => r.address.toLowerCase());
          messages.push({ to, subject: parsed.subject ?? '', text: parsed.text ?? '', parsed });
          callback();
        })
        .catch((err: Error) => callback(err));
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  const to = (address: string) => messages.filter((m) => m.to.includes(address.toLowerCase()));
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    to,
    async waitFor(address, subject, timeoutMs = 5000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = to(address).filter((m) => !subject || subject.test(m.subject));
        if (found.length > 0) return found[found.length - 1];
        if (Date.now() > deadline)
          throw new Error(
            `smtp-sink: no mail to ${address}${subject ? ` matching ${subject}` : ''} within ${timeoutMs} ms`,
          );
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The first link in a text that starts with `prefix`. */
export function linkIn(text: string, prefix: string): string {
  const m = text.match(new RegExp(`${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\S*`));
  if (!m) throw new Error(`smtp-sink: no link starting with ${prefix} in:\n${text}`);
  return m[0];
}
