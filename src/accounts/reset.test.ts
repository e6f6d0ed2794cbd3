import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../test/stores.ts';
import { openTestContext, type OpenMailTestContext } from '../../test/context.ts';
import { linkIn } from '../../test/smtp-sink.ts';
import type { AccountError } from './errors.ts';
import { checkResetToken, requestReset, resetPassword } from './reset.ts';
import { confirmEmailChange, requestEmailChange } from './email.ts';
import { login, sessionFor } from './sessions.ts';
import { addUser, deleteAccount } from './users.ts';
import { subscribe } from './subscriptions.ts';
import { findUserByEmail } from '../store/users.ts';

const token = (text: string, path: string) =>
  new URL(linkIn(text, `http://kbwatch.test${path}?`)).searchParams.get('token')!;

for (const dialect of DIALECTS) {
  describe(`accounts: reset, e-mail change, delete (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let t: OpenMailTestContext;
    before(async () => {
      t = await openTestContext(dialect, { smtp: true });
      await addUser(t.ctx, { email: 'ann@example.com', password: 'old password', confirmed: true });
      await addUser(t.ctx, { email: 'unconfirmed@example.com', password: 'old password' });
    });
    after(() => t?.close());

    it('resets a password once with a 1-hour link and ends old sessions', async () => {
      const s = await login(t.ctx, { email: 'ann@example.com', password: 'old password' });
      assert.deepEqual(await requestReset(t.ctx, { email: 'ann@example.com' }), { email: 'ann@example.com' });
      const tok = token((await t.sink.waitFor('ann@example.com', /Reset/)).text, '/reset/confirm');
      await checkResetToken(t.ctx, tok);
      await assert.rejects(
        resetPassword(t.ctx, { token: tok, password: 'short' }),
        (e: AccountError) => e.field === 'password',
      );
      await resetPassword(t.ctx, { token: tok, password: 'new password' });
      assert.equal(await sessionFor(t.ctx, s.id), undefined, 'old sessions end');
      await login(t.ctx, { email: 'ann@example.com', password: 'new password' });
      await assert.rejects(
        resetPassword(t.ctx, { token: tok, password: 'third password' }),
        (e: AccountError) => /already been used/.test(e.message),
      );
      await assert.rejects(
        resetPassword(t.ctx, { token: 'x'.repeat(43), password: 'third password' }),
        (e: AccountError) => /not valid/.test(e.message),
      );
    });

    it('expires reset links after an hour', async () => {
      await requestReset(t.ctx, { email: 'ann@example.com' });
      const tok = token(t.sink.to('ann@example.com').at(-1)!.text, '/reset/confirm');
      t.clock.advance(3600_000 + 1);
      await assert.rejects(checkResetToken(t.ctx, tok), (e: AccountError) => /expired/.test(e.message));
      await assert.rejects(
        resetPassword(t.ctx, { token: tok, password: 'third password' }),
        (e: AccountError) => /expired/.test(e.message),
      );
    });

    it('answers the same for unknown and unconfirmed addresses and sends them nothing', async () => {
      const sent = t.sink.messages.length;
      assert.deepEqual(await requestReset(t.ctx, { email: 'nobody@example.com' }), {
        email: 'nobody@example.com',
      });
      assert.deepEqual(await requestReset(t.ctx, { email: 'unconfirmed@example.com' }), {
        email: 'unconfirmed@example.com',
      });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(t.sink.messages.length, sent);
    });

    it('changes the e-mail address only after the new one is confirmed', async () => {
      const ann = (await findUserByEmail(t.ctx.store.db, 'ann@example.com'))!;
      await assert.rejects(
        requestEmailChange(t.ctx, { userId: ann.id, newEmail: 'ann2@example.com', password: 'wrong' }),
        { code: 'auth' },
      );
      await requestEmailChange(t.ctx, {
        userId: ann.id,
        newEmail: 'Ann2@Example.com',
        password: 'new password',
      });
      const tok = token(
        (await t.sink.waitFor('ann2@example.com', /new kbwatch address/)).text,
        '/account/email/confirm',
      );
      assert.equal(
        (await findUserByEmail(t.ctx.store.db, 'ann@example.com'))?.id,
        ann.id,
        'unchanged until confirmed',
      );
      assert.deepEqual(await confirmEmailChange(t.ctx, tok), { email: 'ann2@example.com' });
      assert.equal((await findUserByEmail(t.ctx.store.db, 'ann2@example.com'))?.id, ann.id);
      await t.sink.waitFor('ann@example.com', /was changed/);
      await assert.rejects(confirmEmailChange(t.ctx, tok), { code: 'token' });
    });

    it('does not mail an address that belongs to another account', async () => {
      const ann = (await findUserByEmail(t.ctx.store.db, 'ann2@example.com'))!;
      const before = t.sink.to('unconfirmed@example.com').length;
      await requestEmailChange(t.ctx, {
        userId: ann.id,
        newEmail: 'unconfirmed@example.com',
        password: 'new password',
      });
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(t.sink.to('unconfirmed@example.com').length, before);
    });

    it('deletes an account with every row that belongs to it', async () => {
      const u = await addUser(t.ctx, {
        email: 'gone@example.com',
        password: 'gone password',
        confirmed: true,
      });
      await t.ctx.store.db
        .insertInto('technologies')
        .values({ slug: 'windows-server', name: 'Windows Server', kind: 'product', article_count: 1 })
        .execute();
      await subscribe(t.ctx, { userId: u.id, technology: 'windows-server' });
      await login(t.ctx, { email: 'gone@example.com', password: 'gone password' });
      await requestReset(t.ctx, { email: 'gone@example.com' });
      await assert.rejects(deleteAccount(t.ctx, { userId: u.id, password: 'wrong password' }), {
        code: 'auth',
      });
      await deleteAccount(t.ctx, { userId: u.id, password: 'gone password' });
      const db = t.ctx.store.db;
      assert.equal(await findUserByEmail(db, 'gone@example.com'), undefined);
      for (const table of ['sessions', 'tokens', 'subscriptions', 'digests'] as const) {
        const rows = await db.selectFrom(table).selectAll().where('user_id', '=', u.id).execute();
        assert.equal(rows.length, 0, table);
      }
    });
  });
}
