/** Sign up through the pages, confirm from the received mail, log in, subscribe, manage. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { seedTechnologies } from '../../../test/factories.ts';
import { startTestServer, type MailTestServer } from '../../../test/web-server.ts';
import { csrfOf, pathOf, type Browser } from '../../../test/browser.ts';
import { linkIn } from '../../../test/smtp-sink.ts';

const strip = (text: string) => text.replace(/name="_csrf" value="[^"]*"/g, '');

for (const dialect of DIALECTS) {
  describe(`web: account pages (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let w: MailTestServer;
    let b: Browser;
    before(async () => {
      w = await startTestServer(dialect, { smtp: true });
      await seedTechnologies(w, [
        { slug: 'windows-server-2019', name: 'Windows Server 2019' },
        { slug: 'kbwinsock', name: 'kbWinsock' },
      ]);
      b = w.browser();
    });
    after(() => w?.close());

    it('signs up, confirms with the mailed link and logs in', async () => {
      const form = await b.get('/signup');
      assert.equal(form.status, 200);
      assert.match(form.text, /<form method="post" action="\/signup">/);
      assert.ok(b.cookies.has('kbw_csrf'));
      const sent = await b.post('/signup', {
        _csrf: csrfOf(form.text, '/signup'),
        email: 'Reader@Example.com',
        password: 'a good password',
      });
      assert.equal(sent.status, 200);
      assert.match(sent.text, /Check your inbox/);
      const mail = await w.sink.waitFor('reader@example.com', /Confirm/);
      const link = linkIn(mail.text, 'http://kbwatch.test/confirm?token=');

      const early = await b.submit('/login', '/login', {
        email: 'reader@example.com',
        password: 'a good password',
      });
      assert.equal(early.status, 401, 'no login before the address is confirmed');

      const confirmed = await b.get(pathOf(link));
      assert.equal(confirmed.status, 200);
      assert.match(confirmed.text, /Address confirmed/);
      const again = await b.get(pathOf(link));
      assert.equal(again.status, 400);
      assert.match(again.text, /already been used/);

      const login = await b.submit('/login', '/login', {
        email: 'reader@example.com',
        password: 'a good password',
      });
      assert.equal(login.status, 303);
      assert.equal(login.location, '/account');
      const cookie = b.setCookies.find((c) => c.startsWith('kbw_session='))!;
      assert.match(cookie, /HttpOnly/);
      assert.match(cookie, /SameSite=Lax/);
      assert.match(cookie, /Path=\//);
      assert.doesNotMatch(cookie, /Secure/, 'not Secure on an http base URL');
      const account = await b.get('/account');
      assert.equal(account.status, 200);
      assert.match(account.text, /reader@example\.com/);
      assert.equal(account.headers.get('cache-control'), 'no-store');
    });

    it('adds a technology and a query subscription and shows them', async () => {
      const tech = await b.submit('/account', '/account/subscriptions', {
        technology: 'windows server 2019',
      });
      assert.equal(tech.status, 303);
      assert.equal(tech.location, '/account?done=subscribed');
      const page = await b.get('/account');
      const query = await b.post('/account/subscriptions', {
        _csrf: csrfOf(page.text, '/account/subscriptions'),
        query: 'exchange "mailbox move" -online',
      });
      assert.equal(query.status, 303);
      const dup = await b.submit('/account', '/account/subscriptions', { technology: 'WINDOWS-SERVER-2019' });
      assert.equal(dup.location, '/account?done=already');
      const account = await b.get('/account?done=subscribed');
      assert.match(account.text, /Subscribed\./);
      assert.match(account.text, /Windows Server 2019/);
      assert.match(account.text, /exchange &quot;mailbox move&quot; -online/);
    });

    it('refuses an invalid query with the parser message and an unknown technology', async () => {
      const bad = await b.submit('/account', '/account/subscriptions', { query: 'exchange (mailbox' });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /Invalid query: .* at position \d+/);
      assert.match(bad.text, /value="exchange \(mailbox"/, 'the query is kept in the form');
      const unknown = await b.submit('/account', '/account/subscriptions', { technology: 'Lotus Notes' });
      assert.equal(unknown.status, 400);
      assert.match(unknown.text, /no technology is called &quot;Lotus Notes&quot;/);
      const rows = await w.ctx.store.db.selectFrom('subscriptions').selectAll().execute();
      assert.equal(rows.length, 2);
    });

    it('pauses, mutes, resumes and deletes a subscription with its buttons', async () => {
      const [first] = await w.ctx.store.db.selectFrom('subscriptions').selectAll().orderBy('id').execute();
      for (const action of ['pause', 'mute']) {
        const r = await b.submit('/account', `/account/subscriptions/${first.id}/${action}`, {});
        assert.equal(r.status, 303, action);
      }
      assert.match((await b.get('/account')).text, /paused, muted/);
      await b.submit('/account', `/account/subscriptions/${first.id}/resume`, {});
      await b.submit('/account', `/account/subscriptions/${first.id}/unmute`, {});
      let row = await w.ctx.store.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('id', '=', first.id)
        .executeTakeFirstOrThrow();
      assert.equal(row.paused + row.muted, 0);
      const page = await b.get('/account');
      const bogus = await b.post('/account/subscriptions/999999/pause', { _csrf: csrfOf(page.text) });
      assert.equal(bogus.status, 404);
      for (const path of [
        '/account/subscriptions/99999999999999/pause',
        `/account/subscriptions/${first.id}/explode`,
      ]) {
        assert.equal((await b.post(path, { _csrf: csrfOf(page.text) })).status, 404, path);
      }
      const del = await b.submit('/account', `/account/subscriptions/${first.id}/delete`, {});
      assert.equal(del.location, '/account?done=delete');
      row = (await w.ctx.store.db
        .selectFrom('subscriptions')
        .selectAll()
        .where('id', '=', first.id)
        .executeTakeFirst())!;
      assert.equal(row, undefined);
    });

    it('saves digest settings and refuses bad ones', async () => {
      const ok = await b.submit('/account', '/account/settings', {
        digestHour: '6',
        timeZone: 'Pacific/Honolulu',
        cadence: 'weekly',
      });
      assert.equal(ok.status, 303);
      const user = await w.ctx.store.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'reader@example.com')
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [user.digest_hour, user.time_zone, user.cadence, user.include_minor],
        [6, 'Pacific/Honolulu', 'weekly', 0],
      );
      const bad = await b.submit('/account', '/account/settings', {
        digestHour: '7',
        timeZone: 'Nowhere/Special',
        cadence: 'daily',
        includeMinor: '1',
      });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /not a known IANA time zone/);
      const same = await w.ctx.store.db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', user.id)
        .executeTakeFirstOrThrow();
      assert.equal(same.time_zone, 'Pacific/Honolulu');
    });

    it('answers a sign-up for a known address exactly like one for a new address', async () => {
      const other = w.browser();
      const known = await other.submit('/signup', '/signup', {
        email: 'reader@example.com',
        password: 'whatever123',
      });
      const fresh = await other.submit('/signup', '/signup', {
        email: 'newcomer@example.com',
        password: 'whatever123',
      });
      assert.equal(known.status, fresh.status);
      assert.equal(
        strip(known.text).replace('reader@example.com', 'X'),
        strip(fresh.text).replace('newcomer@example.com', 'X'),
      );
      assert.match((await w.sink.waitFor('reader@example.com', /Sign-up attempt/)).text, /\/login/);
      await w.sink.waitFor('newcomer@example.com', /Confirm/);
    });

    it('logs out: the session ends on the server', async () => {
      const session = b.cookies.get('kbw_session')!;
      const out = await b.submit('/account', '/logout', {});
      assert.equal(out.status, 303);
      assert.equal(b.cookies.has('kbw_session'), false);
      b.cookies.set('kbw_session', session);
      const after = await b.get('/account');
      assert.equal(after.status, 303);
      assert.equal(after.location, '/login?next=/account');
    });
  });
}
