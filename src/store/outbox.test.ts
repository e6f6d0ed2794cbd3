import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertDigestUser } from '../../test/digest-factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import type { Store } from './db.ts';
import { queueDigests } from './digests.ts';
import { countDigestsByStatus, digestStatuses, listOutbox } from './outbox.ts';

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`store: outbox listings on ${dialect}`, { skip: reason }, () => {
    let store: Store;
    const ids: number[] = [];

    before(async () => {
      store = await createStore(dialect);
      const db = store.db;
      for (const [i, email] of ['ann@example.org', 'bob@example.org', 'cy@example.org'].entries()) {
        const userId = await insertDigestUser(db, { email });
        const [q] = await queueDigests(
          db,
          1,
          [
            {
              userId,
              watermark: 0,
              period: `2026-10-2${i}`,
              digest: {
                to: email,
                messageId: `digest-${i}@kbwatch.example`,
                subject: 's',
                text: 't',
                html: 'h',
                headers: {},
                items: Array.from({ length: i + 1 }, () => ({})),
              },
            },
          ],
          `2026-10-2${i}T07:00:00.000Z`,
        );
        ids.push(q.id);
      }
      await db
        .updateTable('digests')
        .set({ status: 'failed', attempts: 8, ambiguous: 3, last_error: '550 gone', next_attempt_at: null })
        .where('id', '=', ids[1])
        .execute();
      await db
        .updateTable('digests')
        .set({ status: 'sent', attempts: 1, sent_at: '2026-10-22T07:00:05.000Z' })
        .where('id', '=', ids[2])
        .execute();
    });
    after(async () => store?.close());

    it('lists the newest digests first with their addressee, by status and up to a limit', async () => {
      const all = await listOutbox(store.db);
      assert.deepEqual(
        all.map((r) => [r.id, r.user, r.status, r.items]),
        [
          [ids[2], 'cy@example.org', 'sent', 3],
          [ids[1], 'bob@example.org', 'failed', 2],
          [ids[0], 'ann@example.org', 'queued', 1],
        ],
      );
      assert.deepEqual(all[1], {
        id: ids[1],
        user: 'bob@example.org',
        period: '2026-10-21',
        status: 'failed',
        items: 2,
        attempts: 8,
        ambiguous: 3,
        lastError: '550 gone',
        nextAttemptAt: null,
        createdAt: '2026-10-21T07:00:00.000Z',
        sentAt: null,
      });
      assert.equal(all[0].sentAt, '2026-10-22T07:00:05.000Z');
      assert.equal(all[0].ambiguous, 0);
      assert.deepEqual(
        (await listOutbox(store.db, { status: 'failed' })).map((r) => r.id),
        [ids[1]],
      );
      assert.deepEqual(await listOutbox(store.db, { status: 'suppressed' }), []);
      assert.deepEqual(
        (await listOutbox(store.db, { limit: 2 })).map((r) => r.id),
        [ids[2], ids[1]],
      );
    });

    it('counts digests by status, leaving out statuses with none', async () => {
      assert.deepEqual(
        await countDigestsByStatus(store.db),
        new Map([
          ['queued', 1],
          ['failed', 1],
          ['sent', 1],
        ]),
      );
    });

    it('reports the given digests by id, ignoring unknown ids', async () => {
      const statuses = await digestStatuses(store.db, [ids[2], 999_999, ids[0]]);
      assert.deepEqual(statuses, [
        {
          id: ids[0],
          user: 'ann@example.org',
          period: '2026-10-20',
          items: 1,
          messageId: 'digest-0@kbwatch.example',
          status: 'queued',
          error: null,
        },
        {
          id: ids[2],
          user: 'cy@example.org',
          period: '2026-10-22',
          items: 3,
          messageId: 'digest-2@kbwatch.example',
          status: 'sent',
          error: null,
        },
      ]);
      assert.deepEqual(await digestStatuses(store.db, []), []);
    });
  });
}
