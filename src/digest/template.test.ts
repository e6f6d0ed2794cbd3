import assert from 'node:assert/strict';
import { test } from 'node:test';
import nodemailer from 'nodemailer';
import { simpleParser } from 'mailparser';
import type { DigestItem } from '../match/types.ts';
import { articleLink, renderDigest, subjectOf, type DigestSubscription } from './template.ts';

const item = (over: Partial<DigestItem>): DigestItem => ({
  articleId: 1,
  kb: 307175,
  title: 'A title',
  sourceId: 1,
  path: 'support/x.md',
  url: null,
  kind: 'new',
  minor: false,
  summary: null,
  technologies: ['Windows Server'],
  subscriptionIds: [1],
  changeIds: [1],
  ...over,
});

const subs: DigestSubscription[] = [
  { id: 1, kind: 'technology', label: 'Windows Server', muteToken: 'MUTE1' },
  { id: 2, kind: 'technology', label: 'SQL Server', muteToken: 'MUTE2' },
  { id: 3, kind: 'query', label: '<b>"winsock" -x</b>', muteToken: 'MUTE3' },
];

const items: DigestItem[] = [
  item({ articleId: 1, title: 'Listen <script>alert(1)</script> & "backlog"' }),
  item({ articleId: 2, kb: 2, title: 'SQL one', technologies: ['SQL Server'], subscriptionIds: [2] }),
  item({
    articleId: 3,
    kb: null,
    path: 'support/sql/a b.md',
    title: 'SQL two',
    kind: 'updated',
    summary: { sections: ['Cause', 'Résumé'], wordsAdded: 12, wordsRemoved: 3, minor: false },
    technologies: ['SQL Server'],
    subscriptionIds: [2, 3],
  }),
  item({
    articleId: 4,
    kb: 4,
    title: 'Tiny <i>fix</i>',
    kind: 'updated',
    minor: true,
    summary: { sections: ['Steps'], wordsAdded: 1, wordsRemoved: 1, minor: true },
    subscriptionIds: [1],
  }),
  item({ articleId: 5, kb: 5, title: 'Windows two', kind: 'updated', summary: null, subscriptionIds: [1] }),
];

async function roundTrip(mail: ReturnType<typeof renderDigest>) {
  const transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail({
    from: 'kbwatch <kbwatch@kbwatch.example>',
    to: 'reader@example.org',
    subject: mail.subject,
    text: mail.text,
    html: mail.html,
    headers: mail.headers,
    messageId: `<${mail.messageId}>`,
  });
  return simpleParser(info.message as Buffer);
}

test('subject has counts and the top technologies', () => {
  assert.equal(subjectOf(items, subs), '2 new, 3 updated: Windows Server, SQL Server');
  assert.equal(subjectOf([items[0]], subs), '1 new: Windows Server');
});

test('both parts parse, headers for one-click unsubscribe and a fixed Message-ID', async () => {
  const mail = renderDigest({
    baseUrl: 'https://kbwatch.example',
    userId: 42,
    period: '2026-10-25',
    cadence: 'daily',
    items,
    subscriptions: subs,
    unsubscribeToken: 'UNSUB',
  });
  const parsed = await roundTrip(mail);
  assert.equal(parsed.messageId, '<digest-42-2026-10-25@kbwatch.example>');
  const line = (key: string) => parsed.headerLines.find((h) => h.key === key)?.line.replace(/\r?\n\s+/g, ' ');
  assert.equal(line('list-unsubscribe-post'), 'List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  assert.equal(
    line('list-unsubscribe'),
    'List-Unsubscribe: <https://kbwatch.example/unsubscribe?token=UNSUB>, <mailto:unsubscribe@kbwatch.example?subject=unsubscribe%20UNSUB>',
  );
  assert.ok(parsed.text!.includes('https://kbwatch.example/kb/307175'));
  assert.ok(parsed.text!.includes('https://kbwatch.example/a/support/sql/a%20b.md'));
  assert.ok(parsed.text!.includes('Updated: Cause, Résumé (+12 / -3 words)'));
  assert.ok(
    parsed.text!.indexOf('Minor updates (1)') > parsed.text!.indexOf('Windows two'),
    'minor updates come last',
  );
  assert.ok(parsed.text!.includes('https://kbwatch.example/mute?token=MUTE3'));
  assert.ok(parsed.text!.includes('https://kbwatch.example/account'));
  assert.ok(
    typeof parsed.html === 'string' &&
      parsed.html.includes('href="https://kbwatch.example/unsubscribe?token=UNSUB"'),
  );
});

test('hostile titles and query labels are escaped in HTML', async () => {
  const mail = renderDigest({
    baseUrl: 'https://kbwatch.example',
    userId: 1,
    period: '2026-W43',
    cadence: 'weekly',
    items,
    subscriptions: subs,
    unsubscribeToken: 'UNSUB',
  });
  assert.ok(!mail.html.includes('<script>'));
  assert.ok(!mail.html.includes('<i>fix'));
  assert.ok(!mail.html.includes('<b>"winsock"'));
  assert.ok(mail.html.includes('Listen &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;backlog&quot;'));
  const parsed = await roundTrip(mail);
  assert.ok(
    parsed.text!.includes('Listen <script>alert(1)</script> & "backlog"'),
    'the text part keeps the title as written',
  );
});

test('article links', () => {
  assert.equal(articleLink('http://h:8080', { kb: 12, path: 'x.md' }), 'http://h:8080/kb/12');
  assert.equal(
    articleLink('http://h', { kb: null, path: 'support/é/x?.md' }),
    'http://h/a/support/%C3%A9/x%3F.md',
  );
});
