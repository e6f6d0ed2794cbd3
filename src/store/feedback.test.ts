import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertArticle, insertSource, insertUserRow } from '../../test/api-factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import type { Store } from './db.ts';
import {
  insertFeedback,
  listApprovedFeedback,
  listPendingFeedback,
  moderateFeedback,
  type NewFeedback,
} from './feedback.ts';

const AT = '2024-02-01T12:00:00.000Z';

async function articles(store: Store) {
  const sourceId = await insertSource(store.db, 'docs');
  return {
    winsock: await insertArticle(store.db, {
      sourceId,
      kb: 307175,
      path: 'support/winsock.md',
      title: 'Winsock',
    }),
    exchange: await insertArticle(store.db, { sourceId, path: 'support/exchange.md', title: 'Exchange' }),
  };
}

const item = (articleId: number, body: string, extra: Partial<NewFeedback> = {}): NewFeedback => ({
  article_id: articleId,
  user_id: null,
  name: 'Reader',
  contact: 'https://example.org/me',
  body,
  status: 'pending',
  created_at: AT,
  ip_hash: 'hash',
  ...extra,
});

for (const dialect of DIALECTS) {
  describe(`store: feedback (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it('stores feedback and reads it back as written', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const a = await articles(store);
        const userId = await insertUserRow(store.db, 'reader@example.org');
        const row = item(a.winsock, 'Step 3 is wrong.', { user_id: userId, status: 'approved' });
        const id = await insertFeedback(store.db, row);
        assert.deepEqual(await listApprovedFeedback(store.db, a.winsock), [{ id, ...row }]);
        await assert.rejects(
          insertFeedback(store.db, item(987654, 'On nothing')),
          /^Error: store: unable to save feedback on article 987654: /,
        );
      } finally {
        await store.close();
      }
    });

    it('shows only approved feedback of one article, oldest first, up to a limit', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const a = await articles(store);
        const first = await insertFeedback(store.db, item(a.winsock, 'first', { status: 'approved' }));
        await insertFeedback(store.db, item(a.winsock, 'pending'));
        await insertFeedback(store.db, item(a.winsock, 'rejected', { status: 'rejected' }));
        await insertFeedback(store.db, item(a.exchange, 'other article', { status: 'approved' }));
        const second = await insertFeedback(store.db, item(a.winsock, 'second', { status: 'approved' }));
        assert.deepEqual(
          (await listApprovedFeedback(store.db, a.winsock)).map((f) => [f.id, f.body]),
          [
            [first, 'first'],
            [second, 'second'],
          ],
        );
        assert.deepEqual(
          (await listApprovedFeedback(store.db, a.winsock, 1)).map((f) => f.id),
          [first],
        );
        assert.deepEqual(await listApprovedFeedback(store.db, 987654), []);
      } finally {
        await store.close();
      }
    });

    it('queues pending feedback with its article, pages it, and moderates it', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const a = await articles(store);
        assert.deepEqual(await listPendingFeedback(store.db), []);
        const one = await insertFeedback(store.db, item(a.winsock, 'one'));
        const two = await insertFeedback(store.db, item(a.exchange, 'two'));
        await insertFeedback(store.db, item(a.exchange, 'done', { status: 'approved' }));
        const three = await insertFeedback(store.db, item(a.winsock, 'three'));
        const queue = await listPendingFeedback(store.db);
        assert.deepEqual(
          queue.map((f) => f.id),
          [one, two, three],
        );
        assert.deepEqual(queue[0], {
          ...item(a.winsock, 'one'),
          id: one,
          article_title: 'Winsock',
          article_kb: 307175,
          article_path: 'support/winsock.md',
        });
        assert.equal(queue[1].article_kb, null);
        assert.deepEqual(
          (await listPendingFeedback(store.db, { limit: 1, offset: 1 })).map((f) => f.id),
          [two],
        );

        assert.equal(await moderateFeedback(store.db, one, 'approved'), true);
        assert.equal(await moderateFeedback(store.db, two, 'rejected'), true);
        assert.equal(await moderateFeedback(store.db, 987654, 'approved'), false);
        assert.deepEqual(
          (await listPendingFeedback(store.db)).map((f) => f.id),
          [three],
        );
        assert.deepEqual(
          (await listApprovedFeedback(store.db, a.winsock)).map((f) => f.id),
          [one],
        );
        assert.deepEqual(await listApprovedFeedback(store.db, a.exchange).then((l) => l.map((f) => f.body)), [
          'done',
        ]);
        assert.equal(await moderateFeedback(store.db, one, 'rejected'), true, 'a decision can be changed');
        assert.deepEqual(await listApprovedFeedback(store.db, a.winsock), []);
      } finally {
        await store.close();
      }
    });
  });
}
