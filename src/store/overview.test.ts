import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertArticle, insertDigest, insertUserRow } from '../../test/api-factories.ts';
import { insertSource } from '../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { insertFeedback } from './feedback.ts';
import { overviewCounts } from './overview.ts';
import { markSourceFailed, retireSource } from './sources.ts';

for (const dialect of DIALECTS) {
  describe(`store: the admin overview's counts (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it('are all zero on an empty database', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        assert.deepEqual(await overviewCounts(store.db), {
          liveArticles: 0,
          activeSources: 0,
          failingSources: 0,
          users: 0,
          pendingFeedback: 0,
          queuedDigests: 0,
          failedDigests: 0,
        });
      } finally {
        await store.close();
      }
    });

    it(
      'count live articles, active and failing sources, users, pending feedback and digests',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          const ok = await insertSource(store.db, 'ok');
          const failing = await insertSource(store.db, 'failing');
          const removed = await insertSource(store.db, 'removed');
          await markSourceFailed(store.db, failing, '2024-02-01T03:00:00.000Z', 'unreachable');
          await markSourceFailed(store.db, removed, '2024-02-01T03:00:00.000Z', 'unreachable');
          const article = await insertArticle(store.db, { sourceId: ok, title: 'Live' });
          await insertArticle(store.db, { sourceId: ok, title: 'Retired', retired: true });
          await insertArticle(store.db, { sourceId: removed, title: 'Of a removed source' });
          await retireSource(store.db, { id: removed, name: 'removed' });
          const alice = await insertUserRow(store.db, 'alice@example.org');
          await insertUserRow(store.db, 'bob@example.org');
          const feedback = (status: 'pending' | 'approved') =>
            insertFeedback(store.db, {
              article_id: article,
              user_id: alice,
              name: 'Alice',
              contact: '',
              body: 'Thanks.',
              status,
              created_at: '2024-02-01T03:00:00.000Z',
              ip_hash: 'h',
            });
          await feedback('pending');
          await feedback('approved');
          await insertDigest(store.db, alice, '2024-02-01', 'queued');
          await insertDigest(store.db, alice, '2024-02-02', 'queued');
          await insertDigest(store.db, alice, '2024-02-03', 'failed');
          await insertDigest(store.db, alice, '2024-02-04', 'sent');
          assert.deepEqual(await overviewCounts(store.db), {
            liveArticles: 1,
            activeSources: 2,
            failingSources: 1,
            users: 2,
            pendingFeedback: 1,
            queuedDigests: 2,
            failedDigests: 1,
          });
        } finally {
          await store.close();
        }
      },
    );
  });
}
