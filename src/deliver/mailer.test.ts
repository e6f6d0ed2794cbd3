import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadConfig } from '../config/index.ts';
import { createContext } from '../context.ts';
import { silentLogger } from '../log.ts';
import type { Store } from '../store/db.ts';
import { classifySmtpError, closeMailer, lazyMailer, type Mailer } from './mailer.ts';

const mail = (n: number) => ({
  to: 'reader@example.org',
  subject: `Hello ${n}`,
  text: 'Hi',
  messageId: `m${n}@test`,
});

test('the lazy mailer opens its transport on the first message and again after close', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'kbwatch-mailer-'));
  try {
    const config = loadConfig({ KBWATCH_DATA_DIR: dataDir, KBWATCH_LOG_LEVEL: 'silent' });
    const mailer = lazyMailer(config);
    assert.equal(mailer.kind, 'eml');
    assert.equal(lazyMailer({ ...config, smtpUrl: 'smtp://127.0.0.1:2525' }).kind, 'smtp');
    await mailer.close();
    assert.equal(existsSync(join(dataDir, 'outbox')), false, 'nothing is opened before a message');
    await mailer.send(mail(1));
    await mailer.close();
    await mailer.send(mail(2));
    assert.deepEqual(readdirSync(join(dataDir, 'outbox')).sort(), ['m1@test.eml', 'm2@test.eml']);
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
});

test('a context carries one mailer, shared by its copies, unless one is given', async () => {
  const config = loadConfig({ KBWATCH_LOG_LEVEL: 'silent' });
  const store = {} as Store;
  const ctx = createContext(config, store, silentLogger);
  assert.equal({ ...ctx, now: () => new Date(0) }.mailer, ctx.mailer);
  assert.notEqual(createContext(config, store, silentLogger).mailer, ctx.mailer);
  const sent: string[] = [];
  const injected: Mailer = {
    kind: 'eml',
    send: async (m) => {
      sent.push(m.subject);
      return { messageId: m.messageId ?? '', response: 'ok' };
    },
    close: async () => {
      sent.push('closed');
    },
  };
  const withMailer = createContext(config, store, silentLogger, { mailer: injected });
  await withMailer.mailer.send(mail(3));
  await closeMailer(withMailer);
  assert.deepEqual(sent, ['Hello 3', 'closed']);
});

test('which SMTP errors are temporary, permanent or ambiguous', () => {
  const cases: [string, object, { temporary: boolean; ambiguous: boolean; code?: number }][] = [
    ['4xx reply', { responseCode: 451, code: 'EMESSAGE' }, { temporary: true, ambiguous: false, code: 451 }],
    [
      '5xx reply',
      { responseCode: 550, code: 'EENVELOPE' },
      { temporary: false, ambiguous: false, code: 550 },
    ],
    ['refused', { code: 'ECONNREFUSED' }, { temporary: true, ambiguous: false }],
    ['connect timeout', { code: 'ECONNECTTIMEOUT' }, { temporary: true, ambiguous: false }],
    ['DNS', { code: 'EDNS' }, { temporary: true, ambiguous: false }],
    ['dropped once connected', { code: 'ECONNECTION' }, { temporary: true, ambiguous: true }],
    ['timed out once connected', { code: 'ETIMEDOUT' }, { temporary: true, ambiguous: true }],
    ['socket error', { code: 'ESOCKET' }, { temporary: true, ambiguous: true }],
    ['authentication', { code: 'EAUTH' }, { temporary: true, ambiguous: false }],
    ['TLS', { code: 'ETLS' }, { temporary: true, ambiguous: false }],
    ['no recipients', { code: 'EENVELOPE' }, { temporary: false, ambiguous: false }],
    ['unknown', {}, { temporary: false, ambiguous: false }],
  ];
  for (const [name, err, want] of cases) {
    const e = classifySmtpError(Object.assign(new Error(name), err));
    assert.deepEqual(
      { temporary: e.temporary, ambiguous: e.ambiguous, code: e.responseCode },
      { ...want, code: want.code },
      name,
    );
    assert.match(e.message, new RegExp(`^deliver: ${name}`));
  }
});
