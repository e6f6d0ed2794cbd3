import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStore, DIALECTS, skipReason } from '../../../test/stores.ts';
import { seedKb, type SeededKb } from '../../../test/web-fixtures.ts';
import type { Store } from '../db.ts';
import { changesPage, latestAlertable } from './list.ts';

for (const dialect of DIALECTS) {
  describe(`store: lists of changes (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let store: Store;
    let kb: SeededKb;
    before(async () => {
      store = await createStore(dialect);
      kb = await seedKb(store.db);
      // The article without a KB number moved since its change was recorded.
      await store.db
        .updateTable('articles')
        .set({ path: 'support/exchange/mail-flow-v2.md' })
        .where('id', '=', kb.articles.exchange)
        .execute();
    });
    after(() => store?.close());

    it('pages through every change since a time by id, with the article as it is now', async () => {
      const first = await changesPage(store.db, { since: '2024-01-12T03:00:00.000Z', limit: 2 });
      assert.equal(first.more, true);
      assert.deepEqual(
        first.changes.map((c) => c.id),
        [kb.changes.exchangeNew, kb.changes.serverNew],
      );
      assert.deepEqual(first.changes[0], {
        id: kb.changes.exchangeNew,
        kind: 'new',
        title: 'Exchange mail flow "quoted" <script>alert(1)</script> & more',
        path: 'support/exchange/mail-flow.md',
        previousPath: null,
        detectedAt: '2024-01-12T03:00:00.000Z',
        minor: false,
        summary: null,
        source: 'support-docs',
        article: { kb: null, path: 'support/exchange/mail-flow-v2.md' },
      });
      const rest = await changesPage(store.db, {
        since: '2024-01-12T03:00:00.000Z',
        afterId: first.changes[1].id,
        limit: 10,
      });
      assert.equal(rest.more, false);
      assert.deepEqual(
        rest.changes.map((c) => c.kind),
        ['updated', 'metadata', 'moved'],
      );
      assert.deepEqual(rest.changes[0].summary, {
        sections: ['Resolution'],
        wordsAdded: 3,
        wordsRemoved: 1,
        minor: false,
      });
    });

    it('filters by kind and answers an empty page after the last change', async () => {
      const updates = await changesPage(store.db, {
        since: '2024-01-01',
        kinds: ['updated', 'moved'],
        limit: 10,
      });
      assert.deepEqual(
        updates.changes.map((c) => c.id),
        [kb.changes.winsockUpdated, kb.changes.serverMoved],
      );
      const none = await changesPage(store.db, { since: '2024-03-01', limit: 10 });
      assert.deepEqual(none, { changes: [], more: false });
    });

    it('lists the latest new and updated changes, newest first, of all articles or one technology', async () => {
      const all = await latestAlertable(store.db, { limit: 10 });
      assert.deepEqual(
        all.map((c) => c.id),
        [kb.changes.winsockUpdated, kb.changes.serverNew, kb.changes.exchangeNew, kb.changes.winsockNew],
      );
      assert.equal(all[2].path, 'support/exchange/mail-flow-v2.md');
      const server = await latestAlertable(store.db, { technologyId: kb.tech.server, limit: 10 });
      assert.deepEqual(
        server.map((c) => c.id),
        [kb.changes.winsockUpdated, kb.changes.serverNew, kb.changes.winsockNew],
      );
      const older = await latestAlertable(store.db, {
        technologyId: kb.tech.server,
        beforeId: kb.changes.serverNew,
        limit: 1,
      });
      assert.deepEqual(
        older.map((c) => [c.id, c.kind, c.kb, c.articleId]),
        [[kb.changes.winsockNew, 'new', 307175, kb.articles.winsock]],
      );
    });
  });
}
