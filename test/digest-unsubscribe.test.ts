/**
 * The links of a received digest against the web server, on both databases: the GET pages only
 * ask, the one-click POST (RFC 8058, form-encoded or multipart) unsubscribes without a login and
 * the next digest is not sent; the mute link silences one subscription; forged tokens get a 400.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParsedMail } from 'mailparser';
import { composeDue } from '../src/digest/compose.ts';
import { DIALECTS, skipReason } from './stores.ts';
import { BASE_URL, digestBench } from './digest-context.ts';
import { insertDigestUser, subscribe } from './digest-factories.ts';
import { startTestServer } from './web-server.ts';

function unsubscribeHeader(mail: ParsedMail): { https: string; mailto: string } {
  const line = mail.headerLines.find((h) => h.key === 'list-unsubscribe')!.line.replace(/\r?\n\s+/g, ' ');
  const [, https, mailto] = /<(https:[^>]+)>, <(mailto:[^>]+)>/.exec(line)!;
  return { https, mailto };
}

const local = (url: string) => url.slice(BASE_URL.length);

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`digest links on ${dialect}`, { skip: reason }, () => {
    it('one-click unsubscribe, mute, and refusals of bad tokens', async () => {
      const b = await digestBench(dialect);
      const { app } = await startTestServer(b.ctx);
      try {
        const db = b.store.db;
        const reader = await insertDigestUser(db, { email: 'reader@example.org' });
        await subscribe(db, reader, { technologyId: b.tech.winsrv });
        await subscribe(db, reader, { query: 'cluster' });
        const muter = await insertDigestUser(db, { email: 'muter@example.org' });
        const muteMe = await subscribe(db, muter, { technologyId: b.tech.winsrv });
        const keep = await subscribe(db, muter, { technologyId: b.tech.sql });
        await b.publish('Cluster validation fails', [b.tech.winsrv, b.tech.sql]);
        await b.tick('2026-10-20T08:00:00Z');

        const [mail] = await b.sink.to('reader@example.org');
        const { https, mailto } = unsubscribeHeader(mail);
        assert.match(mailto, /^mailto:unsubscribe@kbwatch\.example\?subject=unsubscribe%20[A-Za-z0-9_-]+$/);
        assert.ok(mail.text!.includes(https), 'the footer carries the same link');
        const token = new URL(https).searchParams.get('token')!;

        const page = await app.inject({ method: 'GET', url: local(https) });
        assert.equal(page.statusCode, 200);
        assert.match(page.body, /<form method="post" action="\/unsubscribe\?token=[^"]+">/);
        assert.match(page.body, /<button type="submit">Unsubscribe<\/button>/);
        const active = await db
          .selectFrom('subscriptions')
          .select('id')
          .where('user_id', '=', reader)
          .where('paused', '=', 0)
          .execute();
        assert.equal(active.length, 2, 'a GET changes nothing');

        const click = await app.inject({
          method: 'POST',
          url: local(https),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'List-Unsubscribe=One-Click',
        });
        assert.equal(click.statusCode, 200, click.body);
        assert.match(click.body, /You are unsubscribed/);
        const multipart = await app.inject({
          method: 'POST',
          url: local(https),
          headers: { 'content-type': 'multipart/form-data; boundary=XyZ' },
          payload:
            '--XyZ\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--XyZ--\r\n',
        });
        assert.equal(multipart.statusCode, 200, 'a second click (multipart this time) is fine too');
        const form = await app.inject({
          method: 'POST',
          url: '/unsubscribe',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: `token=${token}`,
        });
        assert.equal(form.statusCode, 200, 'the page form posts the token in the body');
        const paused = await db
          .selectFrom('subscriptions')
          .select('paused')
          .where('user_id', '=', reader)
          .execute();
        assert.ok(paused.every((s) => s.paused === 1));

        const muteLink = mail.text!.match(/https:\/\/kbwatch\.example\/mute\?token=\S+/);
        assert.ok(muteLink, 'the reader got mute links');
        const [muterMail] = await b.sink.to('muter@example.org');
        const links = [...muterMail.text!.matchAll(/^- (.+) \(mute: (\S+)\)$/gm)].map((m) => ({
          label: m[1],
          url: m[2],
        }));
        const winsrvLink = links.find((l) => l.label === 'Windows Server')!;
        assert.equal((await app.inject({ method: 'GET', url: local(winsrvLink.url) })).statusCode, 200);
        const muted = await app.inject({
          method: 'POST',
          url: local(winsrvLink.url),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: '',
        });
        assert.equal(muted.statusCode, 200, muted.body);
        assert.match(muted.body, /Windows Server no longer appears/);
        const flags = await db
          .selectFrom('subscriptions')
          .select(['id', 'muted', 'paused'])
          .where('user_id', '=', muter)
          .orderBy('id')
          .execute();
        assert.deepEqual(flags, [
          { id: muteMe, muted: 1, paused: 0 },
          { id: keep, muted: 0, paused: 0 },
        ]);

        const forged = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
        for (const req of [
          { method: 'GET' as const, url: `/unsubscribe?token=${forged}` },
          { method: 'POST' as const, url: `/unsubscribe?token=${forged}` },
          { method: 'GET' as const, url: '/unsubscribe' },
          { method: 'POST' as const, url: `/mute?token=${token}` },
          { method: 'GET' as const, url: '/mute?token=%3Cscript%3E' },
        ]) {
          const res = await app.inject({
            ...req,
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: req.method === 'POST' ? 'List-Unsubscribe=One-Click' : undefined,
          });
          assert.equal(res.statusCode, 400, `${req.method} ${req.url}`);
          assert.match(res.body, /This link does not work/);
          assert.ok(!res.body.includes('<script>'));
        }

        await b.publish('Cluster quorum lost', [b.tech.winsrv]);
        const next = await b.tick('2026-10-21T08:00:00Z');
        assert.deepEqual(next.digests, [], 'the reader unsubscribed; the muter now follows SQL Server only');
        assert.equal((await b.sink.to('reader@example.org')).length, 1);
      } finally {
        await app.close();
        await b.close();
      }
    });

    it('unsubscribing withdraws a digest that was queued but not yet sent', async () => {
      const b = await digestBench(dialect);
      const { app } = await startTestServer(b.ctx);
      try {
        const user = await insertDigestUser(b.store.db, { email: 'queued@example.org' });
        await subscribe(b.store.db, user, { technologyId: b.tech.winsrv });
        await b.publish('Hyper-V replica errors', [b.tech.winsrv]);
        const report = await composeDue(b.ctx, new Date('2026-10-20T08:00:00Z'));
        const row = await b.store.db
          .selectFrom('digests')
          .select('headers')
          .where('id', '=', report.queued[0].digestId)
          .executeTakeFirstOrThrow();
        const url = /<(https:[^>]+)>/.exec(
          (JSON.parse(row.headers) as Record<string, string>)['List-Unsubscribe'],
        )![1];
        const res = await app.inject({
          method: 'POST',
          url: local(url),
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          payload: 'List-Unsubscribe=One-Click',
        });
        assert.equal(res.statusCode, 200);
        const r = await b.tick('2026-10-20T08:05:00Z');
        assert.equal(r.delivery!.sent, 0);
        assert.equal(b.sink.accepted.length, 0);
        const after = await b.store.db
          .selectFrom('digests')
          .select(['status', 'last_error'])
          .executeTakeFirstOrThrow();
        assert.deepEqual(after, { status: 'suppressed', last_error: 'unsubscribed' });
      } finally {
        await app.close();
        await b.close();
      }
    });
  });
}
