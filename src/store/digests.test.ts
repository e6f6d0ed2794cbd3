import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { insertDigestUser } from '../../test/digest-factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import type { Store } from './db.ts';
import {
  existingDigests,
  queueDigests,
  requeueFailedDigest,
  suppressQueued,
  type DigestMessage,
  type QueueEntry,
} from './digests.ts';

const CREATED = '2026-10-21T07:00:00.000Z';

function message(to: string, n = 1): DigestMessage {
  return {
    to,
    messageId: `digest-${to}@kbwatch.example`,
    subject: `${n} change(s)`,
    text: `text for ${to}`,
    html: `<p>html for ${to}</p>`,
    headers: { 'List-Unsubscribe': `<https://kbwatch.example/u/${to}>` },
    items: Array.from({ length: n }, (_, i) => ({ articleId: i + 1 })),
  };
}

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`store: digests on ${dialect}`, { skip: reason }, () => {
    let store: Store;
    let n = 0;
    const db = () => store.db;
    const user = (opts: { confirmed?: boolean } = {}) =>
      insertDigestUser(db(), { email: `user${++n}@example.org`, ...opts });
    const watermarkOf = async (id: number) =>
      (await db().selectFrom('users').select('watermark').where('id', '=', id).executeTakeFirstOrThrow())
        .watermark;
    const statusOf = async (id: number) =>
      (await db().selectFrom('digests').select('status').where('id', '=', id).executeTakeFirstOrThrow())
        .status;

    before(async () => {
      store = await createStore(dialect);
    });
    after(async () => store?.close());
    beforeEach(async () => {
      await db().deleteFrom('digest_bodies').execute();
      await db().deleteFrom('digests').execute();
    });

    it('queues a digest with its bodies and advances the watermark of users with and without one', async () => {
      const a = await user();
      const b = await user();
      const entries: QueueEntry[] = [
        { userId: a, watermark: 0, period: '2026-10-21', digest: message('a', 2) },
        { userId: b, watermark: 0, period: '2026-10-21' },
      ];
      const queued = await queueDigests(db(), 40, entries, CREATED);
      assert.equal(queued.length, 1);
      assert.deepEqual(
        { userId: queued[0].userId, period: queued[0].period },
        { userId: a, period: '2026-10-21' },
      );
      const row = await db()
        .selectFrom('digests')
        .selectAll()
        .where('id', '=', queued[0].id)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'queued');
      assert.equal(row.to_address, 'a');
      assert.equal(row.item_count, 2);
      assert.equal(row.from_change_id, 0);
      assert.equal(row.to_change_id, 40);
      assert.equal(row.text_body, '', 'bodies live in digest_bodies');
      assert.deepEqual(JSON.parse(row.headers), message('a').headers);
      const body = await db()
        .selectFrom('digest_bodies')
        .selectAll()
        .where('digest_id', '=', row.id)
        .executeTakeFirstOrThrow();
      assert.equal(body.text_body, 'text for a');
      assert.equal(body.html_body, '<p>html for a</p>');
      assert.equal(await watermarkOf(a), 40);
      assert.equal(await watermarkOf(b), 40);
    });

    it('leaves users alone whose watermark moved or who were suppressed meanwhile', async () => {
      const moved = await user();
      const suppressed = await user();
      await db().updateTable('users').set({ watermark: 5 }).where('id', '=', moved).execute();
      await db().updateTable('users').set({ suppressed_at: CREATED }).where('id', '=', suppressed).execute();
      const queued = await queueDigests(
        db(),
        50,
        [
          { userId: moved, watermark: 0, period: '2026-10-21', digest: message('moved') },
          { userId: suppressed, watermark: 0, period: '2026-10-21', digest: message('suppressed') },
          { userId: 999_999, watermark: 0, period: '2026-10-21', digest: message('nobody') },
        ],
        CREATED,
      );
      assert.deepEqual(queued, []);
      assert.equal(await watermarkOf(moved), 5);
      assert.equal(await watermarkOf(suppressed), 0);
      assert.deepEqual(await queueDigests(db(), 50, [], CREATED), []);
    });

    it('never queues a second digest for a period, and then keeps the watermark', async () => {
      const u = await user();
      const first = await queueDigests(
        db(),
        10,
        [{ userId: u, watermark: 0, period: '2026-W43', digest: message('u') }],
        CREATED,
      );
      assert.equal(first.length, 1);
      await db().updateTable('users').set({ watermark: 0 }).where('id', '=', u).execute();
      const second = await queueDigests(
        db(),
        20,
        [{ userId: u, watermark: 0, period: '2026-W43', digest: message('u') }],
        CREATED,
      );
      assert.deepEqual(second, []);
      assert.equal(await watermarkOf(u), 0);
      assert.deepEqual(await existingDigests(db(), ['2026-W43', '2026-W44']), new Set([`${u}|2026-W43`]));
      assert.deepEqual(await existingDigests(db(), []), new Set());
    });

    it('finds the existing digests of some users only, and counts items beyond those kept', async () => {
      const [u, v] = [await user(), await user()];
      const capped = { ...message('u', 2), itemCount: 362 };
      await queueDigests(
        db(),
        50,
        [
          { userId: u, watermark: 0, period: '2026-10-23', digest: capped },
          { userId: v, watermark: 0, period: '2026-10-23', digest: message('v') },
        ],
        CREATED,
      );
      assert.deepEqual(await existingDigests(db(), ['2026-10-23'], [v]), new Set([`${v}|2026-10-23`]));
      assert.deepEqual(await existingDigests(db(), ['2026-10-23'], []), new Set());
      const rows = await db()
        .selectFrom('digests')
        .select(['user_id', 'item_count'])
        .orderBy('user_id')
        .execute();
      assert.deepEqual(
        rows.map((r) => [r.user_id, r.item_count]),
        [
          [u, 362],
          [v, 1],
        ],
      );
    });

    it('queues in batches larger than one insert', async () => {
      const ids: number[] = [];
      for (let i = 0; i < 130; i++) ids.push(await user());
      const queued = await queueDigests(
        db(),
        60,
        ids.map((id) => ({ userId: id, watermark: 0, period: '2026-10-22', digest: message(`m${id}`) })),
        CREATED,
      );
      assert.equal(queued.length, 130);
      const bodies = await db().selectFrom('digest_bodies').select('digest_id').execute();
      assert.equal(bodies.length, 130);
      assert.equal(await watermarkOf(ids[129]), 60);
    });

    it('suppresses only unsent digests, and a failed one can be queued again', async () => {
      const u = await user();
      const [q] = await queueDigests(
        db(),
        70,
        [{ userId: u, watermark: 0, period: 'p1', digest: message('u') }],
        CREATED,
      );
      const other = await queueDigests(
        db(),
        70,
        [{ userId: u, watermark: 70, period: 'p2', digest: message('u') }],
        CREATED,
      );
      await db().updateTable('digests').set({ status: 'sending' }).where('id', '=', other[0].id).execute();
      const [sent] = await queueDigests(
        db(),
        70,
        [{ userId: await user(), watermark: 0, period: 'p1', digest: message('v') }],
        CREATED,
      );
      await db().updateTable('digests').set({ status: 'sent' }).where('id', '=', sent.id).execute();

      assert.equal(await suppressQueued(db(), u, 'unsubscribed'), 2);
      assert.equal(await statusOf(q.id), 'suppressed');
      assert.equal(await statusOf(other[0].id), 'suppressed');
      assert.equal(await statusOf(sent.id), 'sent');
      assert.equal(await suppressQueued(db(), u, 'again'), 0);

      assert.equal(await requeueFailedDigest(db(), q.id), false, 'only failed digests are queued again');
      await db()
        .updateTable('digests')
        .set({ status: 'failed', attempts: 8, next_attempt_at: CREATED, lease_until: CREATED })
        .where('id', '=', q.id)
        .execute();
      assert.equal(await requeueFailedDigest(db(), q.id), true);
      const row = await db()
        .selectFrom('digests')
        .selectAll()
        .where('id', '=', q.id)
        .executeTakeFirstOrThrow();
      assert.deepEqual(
        [row.status, row.attempts, row.next_attempt_at, row.lease_until],
        ['queued', 0, null, null],
      );
      assert.equal(await requeueFailedDigest(db(), 999_999), false);
    });
  });
}
