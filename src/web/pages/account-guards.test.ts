/** Bad input on the account pages: CSRF-less posts, brute force, malformed and overlong fields, bad links. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { startTestServer, type MailTestServer } from '../../../test/web-server.ts';
import { csrfOf, pathOf, type Browser } from '../../../test/browser.ts';
import { linkIn } from '../../../test/smtp-sink.ts';
import { addUser } from '../../accounts/users.ts';

const HOUR = 3600_000;

for (const dialect of DIALECTS) {
  describe(`web: account page guards (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let w: MailTestServer;
    let count: (table: 'users' | 'sessions' | 'subscriptions' | 'tokens') => Promise<number>;
    const loggedIn = async (email: string, password: string): Promise<Browser> => {
      const b = w.browser();
      const r = await b.submit('/login', '/login', { email, password });
      assert.equal(r.status, 303, `login as ${email}`);
      return b;
    };
    before(async () => {
      w = await startTestServer(dialect, { smtp: true });
      await addUser(w.ctx, { email: 'member@example.com', password: 'member password', confirmed: true });
      count = async (table) =>
        Number(
          (
            await w.ctx.store.db
              .selectFrom(table)
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
    });
    after(() => w?.close());

    it('refuses anonymous POSTs without a valid CSRF token, storing and sending nothing', async () => {
      const b = w.browser();
      const page = await b.get('/signup');
      const token = csrfOf(page.text, '/signup');
      const users = await count('users');
      const mails = w.sink.messages.length;
      const attempts: Record<string, string>[] = [
        { email: 'csrf@example.com', password: 'password123' },
        { _csrf: 'forged', email: 'csrf@example.com', password: 'password123' },
        { _csrf: token + 'x', email: 'csrf@example.com', password: 'password123' },
      ];
      for (const form of attempts) {
        const r = await b.post('/signup', form);
        assert.equal(r.status, 403);
        assert.match(r.text, /security token/);
      }
      const stranger = w.browser(); // a valid token, but not for this browser's cookie
      await stranger.get('/signup');
      assert.equal(
        (await stranger.post('/signup', { _csrf: token, email: 'csrf@example.com', password: 'password123' }))
          .status,
        403,
      );
      assert.equal(
        (
          await w
            .browser()
            .post('/login', { _csrf: token, email: 'member@example.com', password: 'member password' })
        ).status,
        403,
      );
      assert.equal((await w.browser().post('/reset', { email: 'member@example.com' })).status, 403);
      assert.equal(await count('users'), users);
      assert.equal(await count('sessions'), 0);
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(w.sink.messages.length, mails);
    });

    it('refuses signed-in POSTs without the session token, even with a valid anonymous one', async () => {
      const b = await loggedIn('member@example.com', 'member password');
      const anon = csrfOf((await b.get('/signup')).text, '/signup');
      const subs = await count('subscriptions');
      for (const [path, form] of [
        ['/account/subscriptions', { query: 'exchange' }],
        ['/account/subscriptions', { _csrf: anon, query: 'exchange' }],
        ['/account/settings', { digestHour: '3', timeZone: 'UTC', cadence: 'weekly' }],
        ['/account/delete', { _csrf: anon, password: 'member password', confirm: 'yes' }],
        ['/account/email', { email: 'other@example.com', password: 'member password' }],
      ] as const) {
        const r = await b.post(path, form);
        assert.equal(r.status, 403, path);
      }
      assert.equal(await count('subscriptions'), subs);
      const user = await w.ctx.store.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'member@example.com')
        .executeTakeFirstOrThrow();
      assert.equal(user.cadence, 'daily');
      const anonymous = await w.browser().post('/account/settings', { digestHour: '3' });
      assert.equal(anonymous.status, 401, 'no session: not logged in');
      assert.match(anonymous.text, /not logged in/);
      await b.submit('/account', '/logout', {});
    });

    it('rate-limits login attempts per address with 429 and Retry-After', async () => {
      w.clock.advance(HOUR);
      const b = w.browser();
      for (let i = 0; i < 5; i++) {
        const r = await b.submit('/login', '/login', { email: 'member@example.com', password: `wrong ${i}` });
        assert.equal(r.status, 401);
        assert.match(r.text, /Wrong e-mail address or password/);
      }
      const blocked = await b.submit('/login', '/login', {
        email: 'member@example.com',
        password: 'member password',
      });
      assert.equal(blocked.status, 429);
      assert.match(blocked.text, /Too many login attempts/);
      const retry = Number(blocked.headers.get('retry-after'));
      assert.ok(retry > 0 && retry <= 15 * 60, `Retry-After ${retry}`);
      assert.equal(await count('sessions'), 0);
      w.clock.advance(15 * 60_000 + 1000);
      assert.equal(
        (await b.submit('/login', '/login', { email: 'member@example.com', password: 'member password' }))
          .status,
        303,
      );
    });

    it('answers 400 to malformed addresses and overlong fields, storing nothing', async () => {
      w.clock.advance(HOUR);
      const b = w.browser();
      const users = await count('users');
      const cases: [Record<string, string>, RegExp][] = [
        [{ email: 'not-an-address', password: 'password123' }, /must look like name@example\.com/],
        [{ email: 'a@b', password: 'password123' }, /not a valid domain/],
        [{ email: `${'x'.repeat(250)}@example.com`, password: 'password123' }, /at most 254 characters/],
        [{ email: 'long@example.com', password: 'p'.repeat(201) }, /at most 200 characters/],
        [{ email: 'short@example.com', password: 'p' }, /at least 8 characters/],
        [{ email: 'huge@example.com', password: 'p'.repeat(5000) }, /too long/],
      ];
      for (const [form, message] of cases) {
        const r = await b.submit('/signup', '/signup', form);
        assert.equal(r.status, 400, JSON.stringify(form).slice(0, 80));
        assert.match(r.text, message);
        assert.doesNotMatch(r.text, /p{201}/, 'the password is never echoed');
      }
      const text = await fetch(new URL('/signup', w.url), {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: 'email=x@example.com',
      });
      assert.equal(text.status, 400);
      assert.match(await text.text(), /Expected a form/);
      assert.equal(await count('users'), users);
      const member = await loggedIn('member@example.com', 'member password');
      const long = await member.submit('/account', '/account/subscriptions', { query: 'q'.repeat(600) });
      assert.equal(long.status, 400);
      assert.match(long.text, /at most 500 characters/);
      assert.equal(await count('subscriptions'), 0);
    });

    it('answers a reset request the same for known and unknown addresses', async () => {
      const b = w.browser();
      const known = await b.submit('/reset', '/reset', { email: 'member@example.com' });
      const unknown = await b.submit('/reset', '/reset', { email: 'stranger@example.com' });
      assert.equal(known.status, 200);
      assert.equal(known.status, unknown.status);
      const norm = (s: string, e: string) => s.replace(e, 'X');
      assert.equal(norm(known.text, 'member@example.com'), norm(unknown.text, 'stranger@example.com'));
      await w.sink.waitFor('member@example.com', /Reset/);
      assert.equal(w.sink.to('stranger@example.com').length, 0);
    });

    it('refuses wrong, expired and reused reset links', async () => {
      const b = w.browser();
      assert.equal((await b.get('/reset/confirm?token=nonsense')).status, 400);
      const link = pathOf(
        linkIn(w.sink.to('member@example.com').at(-1)!.text, 'http://kbwatch.test/reset/confirm?token='),
      );
      const form = await b.get(link);
      assert.equal(form.status, 200);
      const token = new URL(link, 'http://x').searchParams.get('token')!;
      const ok = await b.post('/reset/confirm', {
        _csrf: csrfOf(form.text, '/reset/confirm'),
        token,
        password: 'brand new password',
      });
      assert.equal(ok.status, 200);
      assert.match(ok.text, /Password changed/);
      const reused = await b.post('/reset/confirm', {
        _csrf: csrfOf(form.text, '/reset/confirm'),
        token,
        password: 'another new password',
      });
      assert.equal(reused.status, 400);
      assert.match(reused.text, /already been used/);
      await b.submit('/reset', '/reset', { email: 'member@example.com' });
      const late = pathOf(
        linkIn(w.sink.to('member@example.com').at(-1)!.text, 'http://kbwatch.test/reset/confirm?token='),
      );
      w.clock.advance(HOUR + 1000);
      const expired = await b.get(late);
      assert.equal(expired.status, 400);
      assert.match(expired.text, /expired/);
    });

    it('changes the address through the pages after confirming the new one', async () => {
      const b = await loggedIn('member@example.com', 'brand new password');
      const r = await b.submit('/account/email', '/account/email', {
        email: 'moved@example.com',
        password: 'brand new password',
      });
      assert.equal(r.location, '/account?done=email');
      const link = pathOf(
        linkIn(
          (await w.sink.waitFor('moved@example.com', /new kbwatch address/)).text,
          'http://kbwatch.test/account/email/confirm?token=',
        ),
      );
      assert.equal((await b.get(link)).location, '/account?done=email-changed');
      assert.match((await b.get('/account')).text, /moved@example\.com/);
    });

    it('deletes the account after confirmation, with all its data', async () => {
      const b = await loggedIn('moved@example.com', 'brand new password');
      await b.submit('/account', '/account/subscriptions', { query: 'exchange' });
      const unticked = await b.submit('/account/delete', '/account/delete', {
        password: 'brand new password',
      });
      assert.equal(unticked.status, 400);
      const wrong = await b.submit('/account/delete', '/account/delete', {
        password: 'wrong password',
        confirm: 'yes',
      });
      assert.equal(wrong.status, 401);
      const user = await w.ctx.store.db
        .selectFrom('users')
        .selectAll()
        .where('email', '=', 'moved@example.com')
        .executeTakeFirstOrThrow();
      const gone = await b.submit('/account/delete', '/account/delete', {
        password: 'brand new password',
        confirm: 'yes',
      });
      assert.equal(gone.status, 200);
      assert.match(gone.text, /Account deleted/);
      assert.equal(b.cookies.has('kbw_session'), false);
      assert.equal(
        (await w.ctx.store.db.selectFrom('users').selectAll().where('id', '=', user.id).execute()).length,
        0,
      );
      for (const table of ['sessions', 'tokens', 'subscriptions', 'digests'] as const) {
        assert.equal(
          (await w.ctx.store.db.selectFrom(table).selectAll().where('user_id', '=', user.id).execute())
            .length,
          0,
          table,
        );
      }
    });
  });
}

describe('web: cookies behind https', () => {
  it('marks cookies Secure when the base URL is https', async () => {
    const w = await startTestServer('sqlite', {
      smtp: true,
      env: { KBWATCH_BASE_URL: 'https://kb.example.org' },
    });
    try {
      const b = w.browser();
      await b.get('/signup');
      const cookie = b.setCookies.find((c) => c.startsWith('kbw_csrf='))!;
      assert.match(cookie, /; Secure/);
      assert.match(cookie, /HttpOnly/);
    } finally {
      await w.close();
    }
  });
});
