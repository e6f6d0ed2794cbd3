import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../test/stores.ts';
import { openTestContext, type OpenTestContext } from '../../test/context.ts';
import type { AccountError } from './errors.ts';
import { changeSubscription, listSubscriptions, subscribe } from './subscriptions.ts';
import { addUser, listUsers, updateSettings } from './users.ts';
import { findUserById } from '../store/users.ts';

for (const dialect of DIALECTS) {
  describe(`accounts: subscriptions and settings (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let t: OpenTestContext;
    let ann: number;
    let bob: number;
    before(async () => {
      t = await openTestContext(dialect);
      ann = (await addUser(t.ctx, { email: 'ann@example.com', confirmed: true })).id;
      bob = (await addUser(t.ctx, { email: 'bob@example.com', confirmed: true })).id;
      const db = t.ctx.store.db;
      const tech = await db
        .insertInto('technologies')
        .values({ slug: 'kbwinsock', name: 'kbWinsock', kind: 'keyword', article_count: 3 })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('technology_aliases')
        .values({ alias: 'kbwinsock', technology_id: tech.id })
        .execute();
      const ws = await db
        .insertInto('technologies')
        .values({
          slug: 'windows-server-2019',
          name: 'Windows Server 2019',
          kind: 'product',
          article_count: 9,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await db
        .insertInto('technology_aliases')
        .values([
          { alias: 'windows server 2019', technology_id: ws.id },
          { alias: 'windows-server-2019', technology_id: ws.id },
        ])
        .execute();
    });
    after(() => t?.close());

    it('subscribes to a technology by slug, name or alias, case-insensitively, once', async () => {
      const a = await subscribe(t.ctx, { userId: ann, technology: 'KBWINSOCK' });
      assert.equal(a.created, true);
      assert.equal(a.label, 'kbWinsock');
      const b = await subscribe(t.ctx, { userId: ann, technology: 'windows  server 2019' });
      assert.equal(b.label, 'Windows Server 2019');
      const again = await subscribe(t.ctx, { userId: ann, technology: 'Windows-Server-2019' });
      assert.equal(again.created, false);
      assert.equal(again.subscription.id, b.subscription.id);
      await assert.rejects(
        subscribe(t.ctx, { userId: ann, technology: 'No Such Thing' }),
        (e: AccountError) => e.code === 'not_found' && /No Such Thing/.test(e.message),
      );
    });

    it('subscribes to a valid saved query and refuses an invalid one with the parser message', async () => {
      const q = await subscribe(t.ctx, { userId: ann, query: ' title:exchange "mailbox move" ' });
      assert.equal(q.subscription.query, 'title:exchange "mailbox move"');
      await assert.rejects(
        subscribe(t.ctx, { userId: ann, query: 'exchange (mailbox' }),
        (e: AccountError) => e.field === 'query' && /query: .* at position \d+/.test(e.message),
      );
      await assert.rejects(
        subscribe(t.ctx, { userId: ann, query: 'x'.repeat(501) }),
        (e: AccountError) => e.field === 'query' && /at most 500/.test(e.message),
      );
      await assert.rejects(
        subscribe(t.ctx, { userId: ann, query: '   ' }),
        (e: AccountError) => e.field === 'query',
      );
      assert.equal((await listSubscriptions(t.ctx, ann)).length, 3);
    });

    it("pauses, resumes, mutes, unmutes and deletes only the owner's subscriptions", async () => {
      const [first] = await listSubscriptions(t.ctx, ann);
      await changeSubscription(t.ctx, { userId: ann, subscriptionId: first.id, action: 'pause' });
      await changeSubscription(t.ctx, { userId: ann, subscriptionId: first.id, action: 'mute' });
      let now = (await listSubscriptions(t.ctx, ann))[0];
      assert.equal(now.paused, 1);
      assert.equal(now.muted, 1);
      await changeSubscription(t.ctx, { userId: ann, subscriptionId: first.id, action: 'resume' });
      await changeSubscription(t.ctx, { userId: ann, subscriptionId: first.id, action: 'unmute' });
      now = (await listSubscriptions(t.ctx, ann))[0];
      assert.equal(now.paused + now.muted, 0);
      for (const action of ['pause', 'delete'] as const) {
        await assert.rejects(changeSubscription(t.ctx, { userId: bob, subscriptionId: first.id, action }), {
          code: 'not_found',
        });
      }
      assert.equal((await listSubscriptions(t.ctx, ann))[0].paused, 0);
      await changeSubscription(t.ctx, { userId: ann, subscriptionId: first.id, action: 'delete' });
      assert.equal((await listSubscriptions(t.ctx, ann)).length, 2);
    });

    it('validates and stores digest settings', async () => {
      await updateSettings(t.ctx, ann, {
        digestHour: '18',
        timeZone: 'Asia/Kathmandu',
        cadence: 'weekly',
        includeMinor: false,
      });
      const u = (await findUserById(t.ctx.store.db, ann))!;
      assert.deepEqual(
        [u.digest_hour, u.time_zone, u.cadence, u.include_minor],
        [18, 'Asia/Kathmandu', 'weekly', 0],
      );
      await updateSettings(t.ctx, bob, {
        digestHour: 0,
        timeZone: ' europe/berlin ',
        cadence: 'daily',
        includeMinor: true,
      });
      assert.equal((await findUserById(t.ctx.store.db, bob))!.time_zone, 'Europe/Berlin');
      await assert.rejects(
        updateSettings(t.ctx, ann, {
          digestHour: '24',
          timeZone: 'UTC',
          cadence: 'daily',
          includeMinor: true,
        }),
        (e: AccountError) => e.field === 'digestHour',
      );
      await assert.rejects(
        updateSettings(t.ctx, ann, {
          digestHour: '7',
          timeZone: 'Mars/Olympus',
          cadence: 'daily',
          includeMinor: true,
        }),
        (e: AccountError) => e.field === 'timeZone',
      );
      await assert.rejects(
        updateSettings(t.ctx, ann, {
          digestHour: '7',
          timeZone: 'UTC',
          cadence: 'hourly',
          includeMinor: true,
        }),
        (e: AccountError) => e.field === 'cadence',
      );
      assert.equal((await findUserById(t.ctx.store.db, ann))!.time_zone, 'Asia/Kathmandu');
    });

    it('lists users with their subscriptions', async () => {
      const list = await listUsers(t.ctx);
      assert.deepEqual(
        list.map((u) => [u.email, u.subscriptions.length]),
        [
          ['ann@example.com', 2],
          ['bob@example.com', 0],
        ],
      );
      assert.equal(list[0].subscriptions[0].technology, 'windows-server-2019');
    });
  });
}
