import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../test/stores.ts';
import { openTestContext, type OpenMailTestContext } from '../../test/context.ts';
import { linkIn } from '../../test/smtp-sink.ts';
import { AccountError } from './errors.ts';
import { confirm, signUp } from './signup.ts';
import { login, logout, pruneExpired, sessionFor } from './sessions.ts';
import { findUserByEmail } from '../store/users.ts';

const tokenOf = (text: string) =>
  new URL(linkIn(text, 'http://kbwatch.test/confirm')).searchParams.get('token')!;

for (const dialect of DIALECTS) {
  describe(`accounts: sign-up, confirm, login (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let t: OpenMailTestContext;
    before(async () => {
      t = await openTestContext(dialect, { smtp: true });
    });
    after(() => t?.close());

    it('sends a confirmation link; nothing else until it is followed; then login works', async () => {
      const r = await signUp(t.ctx, { email: ' Alice@Example.COM ', password: 'correct horse' });
      assert.equal(r.email, 'alice@example.com');
      const mail = await t.sink.waitFor('alice@example.com', /Confirm/);
      const token = tokenOf(mail.text);
      const before = await findUserByEmail(t.ctx.store.db, 'alice@example.com');
      assert.equal(before?.confirmed_at, null);
      await assert.rejects(login(t.ctx, { email: 'alice@example.com', password: 'correct horse' }), {
        code: 'auth',
      });

      assert.deepEqual(await confirm(t.ctx, token), { email: 'alice@example.com' });
      await assert.rejects(
        confirm(t.ctx, token),
        (e: AccountError) => e.code === 'token' && /already been used/.test(e.message),
      );

      const s = await login(t.ctx, { email: 'ALICE@example.com', password: 'correct horse' });
      const found = await sessionFor(t.ctx, s.id);
      assert.equal(found?.user.email, 'alice@example.com');
      const row = await t.ctx.store.db.selectFrom('sessions').selectAll().executeTakeFirstOrThrow();
      assert.notEqual(row.id_hash, s.id, 'only a hash of the session id is stored');
      await assert.rejects(login(t.ctx, { email: 'alice@example.com', password: 'wrong password' }), {
        code: 'auth',
      });
      await logout(t.ctx, s.id);
      assert.equal(await sessionFor(t.ctx, s.id), undefined);
    });

    it('answers the same for a known address and mails a notice instead of a link', async () => {
      const before = t.sink.to('alice@example.com').length;
      const known = await signUp(t.ctx, { email: 'alice@example.com', password: 'another password' });
      const unknown = await signUp(t.ctx, { email: 'bob@example.com', password: 'another password' });
      assert.deepEqual(Object.keys(known), Object.keys(unknown));
      const notice = await t.sink.waitFor('alice@example.com', /Sign-up attempt/);
      assert.match(notice.text, /http:\/\/kbwatch\.test\/reset/);
      assert.doesNotMatch(notice.text, /token=/);
      assert.equal(t.sink.to('alice@example.com').length, before + 1);
      // The old password still works: a sign-up attempt changes nothing.
      await login(t.ctx, { email: 'alice@example.com', password: 'correct horse' });
    });

    it('refuses wrong, expired and reused confirmation links', async () => {
      await assert.rejects(
        confirm(t.ctx, 'not-a-token'),
        (e: AccountError) => e.code === 'token' && /not valid/.test(e.message),
      );
      await assert.rejects(
        confirm(t.ctx, 'A'.repeat(43)),
        (e: AccountError) => e.code === 'token' && /not valid/.test(e.message),
      );
      await signUp(t.ctx, { email: 'carol@example.com', password: 'password one' });
      const token = tokenOf((await t.sink.waitFor('carol@example.com', /Confirm/)).text);
      t.clock.advance(48 * 3600_000 + 1000);
      await assert.rejects(
        confirm(t.ctx, token),
        (e: AccountError) => e.code === 'token' && /expired/.test(e.message),
      );
      const user = await findUserByEmail(t.ctx.store.db, 'carol@example.com');
      assert.equal(user?.confirmed_at, null);
    });

    it('a new sign-up for an unconfirmed address voids the old link and carries the new password', async () => {
      await signUp(t.ctx, { email: 'dave@example.com', password: 'first password' });
      const first = tokenOf((await t.sink.waitFor('dave@example.com', /Confirm/)).text);
      await signUp(t.ctx, { email: 'dave@example.com', password: 'second password' });
      const mails = t.sink.to('dave@example.com');
      assert.equal(mails.length, 2);
      const second = tokenOf(mails[1].text);
      await assert.rejects(confirm(t.ctx, first), { code: 'token' });
      await confirm(t.ctx, second);
      await login(t.ctx, { email: 'dave@example.com', password: 'second password' });
      await assert.rejects(login(t.ctx, { email: 'dave@example.com', password: 'first password' }), {
        code: 'auth',
      });
    });

    it('prunes expired sessions and long-expired tokens', async () => {
      const s = await login(t.ctx, { email: 'alice@example.com', password: 'correct horse' });
      const tokens = async () => (await t.ctx.store.db.selectFrom('tokens').selectAll().execute()).length;
      const before = await tokens();
      assert.ok(before > 0);
      t.clock.advance(31 * 24 * 3600_000);
      await pruneExpired(t.ctx);
      assert.equal(await sessionFor(t.ctx, s.id), undefined);
      assert.equal(
        (
          await t.ctx.store.db
            .selectFrom('sessions')
            .selectAll()
            .where('expires_at', '<=', t.clock.now.toISOString())
            .execute()
        ).length,
        0,
      );
      assert.equal(await tokens(), 0, 'every token expired over a week ago');
    });

    it('rejects malformed addresses, short and overlong passwords, and stores nothing', async () => {
      const count = async () =>
        Number(
          (
            await t.ctx.store.db
              .selectFrom('users')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const n = await count();
      const sent = t.sink.messages.length;
      for (const email of [
        '',
        'plain',
        'a@b',
        '@example.com',
        'a b@example.com',
        'a@exa mple.com',
        'a..b@example.com',
        'a@-x.com',
        `${'a'.repeat(250)}@example.com`,
        `${'a'.repeat(65)}@example.com`,
        'a@example.123',
      ]) {
        await assert.rejects(
          signUp(t.ctx, { email, password: 'long enough' }),
          (e: AccountError) => e.code === 'invalid' && e.field === 'email',
          email,
        );
      }
      await assert.rejects(
        signUp(t.ctx, { email: 'eve@example.com', password: 'short' }),
        (e: AccountError) => e.field === 'password' && /at least 8/.test(e.message),
      );
      await assert.rejects(
        signUp(t.ctx, { email: 'eve@example.com', password: 'x'.repeat(201) }),
        (e: AccountError) => e.field === 'password' && /at most 200/.test(e.message),
      );
      assert.equal(await count(), n);
      assert.equal(t.sink.messages.length, sent);
    });
  });
}
