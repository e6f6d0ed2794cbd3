import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { insertDigestUser } from '../../test/digest-factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import type { Store } from './db.ts';
import {
  claimDigests,
  markFailed,
  markRetry,
  markSent,
  releaseClaims,
  renewClaims,
} from './digest-delivery.ts';
import { queueDigests } from './digests.ts';

const T0 = '2026-10-21T07:00:00.000Z';
const T1 = '2026-10-21T07:01:00.000Z';
const LEASE = '2026-10-21T07:02:00.000Z';
const AFTER_LEASE = '2026-10-21T07:03:00.000Z';
const A = 'claim-a';
const B = 'claim-b';

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`store: digest delivery on ${dialect}`, { skip: reason }, () => {
    let store: Store;
    let n = 0;
    const db = () => store.db;
    const row = (id: number) =>
      db().selectFrom('digests').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const userRow = (id: number) =>
      db().selectFrom('users').selectAll().where('id', '=', id).executeTakeFirstOrThrow();

    /** A user with one queued digest per period; returns the user and digest ids. */
    async function queued(periods = ['p1']): Promise<{ userId: number; ids: number[] }> {
      const email = `reader${++n}@example.org`;
      const userId = await insertDigestUser(db(), { email });
      const ids: number[] = [];
      for (const [i, period] of periods.entries()) {
        const [q] = await queueDigests(
          db(),
          i + 1,
          [
            {
              userId,
              watermark: i,
              period,
              digest: {
                to: email,
                messageId: `digest-${n}-${period}@kbwatch.example`,
                subject: `Digest ${period}`,
                text: `text ${period}`,
                html: `<p>html ${period}</p>`,
                headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
                items: [{ articleId: 1 }],
              },
            },
          ],
          T0,
        );
        ids.push(q.id);
      }
      return { userId, ids };
    }

    before(async () => {
      store = await createStore(dialect);
    });
    after(async () => store?.close());
    beforeEach(async () => {
      await db().deleteFrom('digest_bodies').execute();
      await db().deleteFrom('digests').execute();
    });

    it('claims queued digests once, with their bodies and decoded headers', async () => {
      const { userId, ids } = await queued(['p1', 'p2']);
      const claimed = await claimDigests(db(), 10, T1, LEASE, A);
      assert.deepEqual(
        claimed.map((c) => c.id),
        ids,
      );
      assert.deepEqual(claimed[0], {
        id: ids[0],
        userId,
        period: 'p1',
        to: `reader${n}@example.org`,
        messageId: `digest-${n}-p1@kbwatch.example`,
        subject: 'Digest p1',
        text: 'text p1',
        html: '<p>html p1</p>',
        headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
        attempts: 1,
        token: A,
      });
      const r = await row(ids[0]);
      assert.equal(r.status, 'sending');
      assert.equal(r.lease_until, LEASE);
      assert.deepEqual(await claimDigests(db(), 10, T1, LEASE, A), [], 'a leased row is not claimed twice');
      const again = await claimDigests(db(), 1, AFTER_LEASE, '2026-10-21T07:05:00.000Z', B);
      assert.equal(again.length, 1, 'an expired lease is claimed again, up to the limit');
      assert.equal(again[0].attempts, 2);
    });

    it('claims rows whose bodies are still in the digests row (queued before digest_bodies)', async () => {
      const { ids } = await queued();
      await db().deleteFrom('digest_bodies').execute();
      await db()
        .updateTable('digests')
        .set({ text_body: 'legacy text', html_body: '<p>legacy</p>' })
        .where('id', '=', ids[0])
        .execute();
      const [c] = await claimDigests(db(), 5, T1, LEASE, A);
      assert.deepEqual([c.text, c.html], ['legacy text', '<p>legacy</p>']);
    });

    it('waits for the retry time and skips suppressed users', async () => {
      const retry = await queued();
      const suppressed = await queued();
      await db()
        .updateTable('users')
        .set({ suppressed_at: T0 })
        .where('id', '=', suppressed.userId)
        .execute();
      const claimed = await claimDigests(db(), 10, T1, LEASE, A);
      assert.deepEqual(
        claimed.map((c) => c.id),
        retry.ids,
      );
      assert.equal(await markRetry(db(), { id: retry.ids[0], token: A }, '451 try later', AFTER_LEASE), true);
      const r = await row(retry.ids[0]);
      assert.deepEqual(
        [r.status, r.lease_until, r.next_attempt_at, r.last_error],
        ['queued', null, AFTER_LEASE, '451 try later'],
      );
      assert.deepEqual(await claimDigests(db(), 10, T1, LEASE, A), []);
      const later = await claimDigests(db(), 10, AFTER_LEASE, '2026-10-21T08:00:00.000Z', B);
      assert.deepEqual(
        later.map((c) => c.id),
        [retry.ids[0]],
      );
    });

    it('marks several digests sent in one call', async () => {
      const a = await queued();
      const b = await queued();
      await claimDigests(db(), 10, T1, LEASE, A);
      assert.deepEqual(await markSent(db(), [], T1), []);
      const marked = await markSent(
        db(),
        [
          { id: a.ids[0], token: A },
          { id: b.ids[0], token: A },
        ],
        AFTER_LEASE,
      );
      assert.deepEqual(marked.sort(), [a.ids[0], b.ids[0]].sort());
      assert.deepEqual(
        (await markSent(db(), [{ id: a.ids[0], token: A }], '2026-10-21T07:09:00.000Z')).sort(),
        [a.ids[0]],
        'marking again under the same claim (an answer lost with the connection) counts, and changes nothing',
      );
      for (const id of [a.ids[0], b.ids[0]]) {
        const r = await row(id);
        assert.deepEqual(
          [r.status, r.sent_at, r.lease_until, r.next_attempt_at, r.last_error],
          ['sent', AFTER_LEASE, null, null, null],
        );
      }
    });

    it('counts hard bounces and suppresses the address and its queued digests at the limit', async () => {
      const { userId, ids } = await queued(['p1', 'p2', 'p3', 'p4']);
      await db()
        .updateTable('digests')
        .set({ status: 'sending', lease_token: A })
        .where('id', 'in', ids.slice(0, 3))
        .execute();
      const opts = { hardBounce: true, bounceLimit: 2, at: T1 };
      const claim = (id: number) => ({ id, token: A });
      assert.equal(await markFailed(db(), claim(ids[0]), 'timeout', { ...opts, hardBounce: false }), false);
      assert.equal((await userRow(userId)).hard_bounces, 0, 'a temporary failure is no bounce');
      assert.equal(await markFailed(db(), claim(ids[1]), '550 no such user', opts), false);
      assert.equal((await userRow(userId)).hard_bounces, 1);
      assert.equal((await row(ids[1])).status, 'failed');
      assert.equal(
        await markFailed(db(), claim(ids[1]), '550 again', opts),
        false,
        'a row no longer sending is not ours',
      );
      assert.equal((await userRow(userId)).hard_bounces, 1);
      assert.equal((await row(ids[3])).status, 'queued');
      assert.equal(await markFailed(db(), claim(ids[2]), '550 no such user', opts), true);
      const user = await userRow(userId);
      assert.deepEqual([user.hard_bounces, user.suppressed_at], [2, T1]);
      const withdrawn = await row(ids[3]);
      assert.deepEqual(
        [withdrawn.status, withdrawn.last_error],
        ['suppressed', 'suppressed after 2 hard bounces'],
      );
      assert.equal(await markFailed(db(), claim(999_999), 'gone', opts), false);
    });

    it('fences every outcome by the claim: a row taken over is not touched by the first sender', async () => {
      const { ids } = await queued();
      await claimDigests(db(), 10, T1, LEASE, A);
      const [taken] = await claimDigests(db(), 10, AFTER_LEASE, '2026-10-21T07:10:00.000Z', B);
      assert.equal(taken.id, ids[0], 'the expired claim is taken over');
      assert.deepEqual(
        await markSent(db(), [{ id: ids[0], token: A }], AFTER_LEASE),
        [],
        'a late "sent" is refused',
      );
      assert.equal(await markRetry(db(), { id: ids[0], token: A }, '451', AFTER_LEASE), false);
      assert.equal(
        await markFailed(db(), { id: ids[0], token: A }, '550', { hardBounce: true, bounceLimit: 1, at: T1 }),
        false,
      );
      let r = await row(ids[0]);
      assert.deepEqual([r.status, r.lease_token, r.last_error], ['sending', B, null]);
      assert.deepEqual(await markSent(db(), [{ id: ids[0], token: B }], AFTER_LEASE), [ids[0]]);
      assert.equal(
        await markRetry(db(), { id: ids[0], token: B }, '451', AFTER_LEASE),
        false,
        'a sent row is never put back',
      );
      r = await row(ids[0]);
      assert.equal(r.status, 'sent');
    });

    it('renews and releases only its own claims, and counts ambiguous retries', async () => {
      const { ids } = await queued(['p1', 'p2']);
      await claimDigests(db(), 10, T1, LEASE, A);
      const later = '2026-10-21T07:30:00.000Z';
      assert.deepEqual((await renewClaims(db(), ids, A, later)).sort(), [...ids].sort());
      assert.deepEqual(await renewClaims(db(), ids, B, later), [], 'another claim renews nothing');
      assert.equal((await row(ids[0])).lease_until, later);
      assert.equal(
        await markRetry(db(), { id: ids[0], token: A }, 'connection lost', AFTER_LEASE, true),
        true,
      );
      assert.equal((await row(ids[0])).ambiguous, 1);
      assert.equal(await releaseClaims(db(), ids, A), 1, 'only the row still sending under the claim');
      const released = await row(ids[1]);
      assert.deepEqual([released.status, released.lease_token, released.attempts], ['queued', null, 0]);
    });
  });
}
