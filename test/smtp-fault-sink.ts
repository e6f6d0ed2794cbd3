/**
 * A real SMTP server on loopback that can misbehave on purpose: answer 421 or 451 to a share
 * of messages, drop the connection in the middle of a message or right after taking it in,
 * refuse given recipients with
 * 550, or take its time. Accepted messages are kept raw and parsed on demand with mailparser.
 * Faults are drawn from a seeded generator, so a failing run can be repeated.
 */
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { AddressInfo } from 'node:net';

export interface FaultOptions {
  /** Share of messages answered with a temporary failure (0–1). */
  tempFailRate?: number;
  /** Codes used for temporary failures, picked in turn (default 421 and 451). */
  tempCodes?: number[];
  /** Share of messages during which the connection is dropped before any answer (0–1). */
  dropRate?: number;
  /**
   * Share of messages taken in (kept as accepted) after which the connection drops before the
   * reply reaches the client: the ambiguous send (0–1).
   */
  acceptThenDropRate?: number;
  /** Recipients refused with 550 (lower-case addresses). */
  rejectRecipients?: Iterable<string>;
  /** Delay before answering each message. */
  delayMs?: number;
  seed?: number;
}

export interface AcceptedMail {
  to: string[];
  raw: Buffer;
  /** The Message-ID header as sent, angle brackets included. */
  messageId: string | null;
}

export interface FaultSink {
  url: string;
  port: number;
  accepted: AcceptedMail[];
  stats: {
    accepted: number;
    tempFailed: number;
    dropped: number;
    rejected: number;
    acceptedThenDropped: number;
  };
  options: FaultOptions;
  /** Accepted messages per recipient. */
  countByRecipient(): Map<string, number>;
  parse(mail: AcceptedMail): Promise<ParsedMail>;
  /** Accepted messages to one address, parsed. */
  to(address: string): Promise<ParsedMail[]>;
  close(): Promise<void>;
}

/** mulberry32: a small seeded generator. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startFaultSink(options: FaultOptions = {}): Promise<FaultSink> {
  const random = seededRandom(options.seed ?? 42);
  const reject = new Set([...(options.rejectRecipients ?? [])].map((a) => a.toLowerCase()));
  const tempCodes = options.tempCodes ?? [421, 451];
  const accepted: AcceptedMail[] = [];
  const stats = { accepted: 0, tempFailed: 0, dropped: 0, rejected: 0, acceptedThenDropped: 0 };
  let turn = 0;

  const server: SMTPServer = new SMTPServer({
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    logger: false,
    disableReverseLookup: true,
    size: 20 * 1024 * 1024,
    onRcptTo(address, _session, callback) {
      if (reject.has(address.address.toLowerCase())) {
        stats.rejected++;
        return callback(smtpError(550, '5.1.1 mailbox unavailable'));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const answer = () => decide(Buffer.concat(chunks), session, callback);
        if (options.delayMs) setTimeout(answer, options.delayMs);
        else answer();
      });
    },
  });

  const dropConnection = (session: SMTPServerSession) => {
    for (const c of (server as unknown as { connections: Set<{ id: string; _socket: { destroy(): void } }> })
      .connections) {
      if (c.id === session.id) c._socket.destroy();
    }
  };

  const keep = (raw: Buffer, session: SMTPServerSession) => {
    const header = /^message-id:\s*(<[^>\r\n]*>)/im.exec(raw.subarray(0, 8192).toString('latin1'));
    accepted.push({
      to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()),
      raw,
      messageId: header?.[1] ?? null,
    });
    stats.accepted++;
  };

  function decide(raw: Buffer, session: SMTPServerSession, callback: (err?: Error | null) => void): void {
    const roll = random();
    if (roll < (options.dropRate ?? 0)) {
      stats.dropped++;
      return dropConnection(session);
    }
    const ambiguous = options.acceptThenDropRate ?? 0;
    if (ambiguous > 0 && random() < ambiguous) {
      keep(raw, session);
      stats.acceptedThenDropped++;
      return dropConnection(session);
    }
    if (roll < (options.dropRate ?? 0) + (options.tempFailRate ?? 0)) {
      stats.tempFailed++;
      const code = tempCodes[turn++ % tempCodes.length];
      return callback(
        smtpError(code, code === 421 ? '4.3.2 try again later, closing' : '4.3.0 temporary local problem'),
      );
    }
    keep(raw, session);
    callback();
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  server.on('error', () => {});
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    accepted,
    stats,
    options,
    countByRecipient() {
      const out = new Map<string, number>();
      for (const m of accepted) for (const to of m.to) out.set(to, (out.get(to) ?? 0) + 1);
      return out;
    },
    parse: (mail) => simpleParser(mail.raw),
    to(address) {
      return Promise.all(
        accepted.filter((m) => m.to.includes(address.toLowerCase())).map((m) => simpleParser(m.raw)),
      );
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
