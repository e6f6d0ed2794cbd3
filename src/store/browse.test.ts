import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertChange, insertScan, insertTechnology } from '../../test/api-factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { seedKb, type SeededKb } from '../../test/web-fixtures.ts';
import { latestChanges, popularTechnologies } from './browse.ts';
import type { Store } from './db.ts';

/** An `updated` change of a seeded article in a scan of its own. */
async function update(store: Store, kb: SeededKb, articleId: number, at: string, minor = false) {
  const scanId = await insertScan(store.db, kb.sourceId, at);
  return insertChange(store.db, {
    scanId,
    sourceId: kb.sourceId,
    articleId,
    kind: 'updated',
    title: 'Changed title',
    detectedAt: at,
    minor,
    summary: { sections: ['Cause'], wordsAdded: 1, wordsRemoved: 0, minor },
  });
}

for (const dialect of DIALECTS) {
  describe(`store: browsing (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it(
      'lists the latest new and updated articles, newest first, one change per article',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          assert.deepEqual(await latestChanges(store.db), []);
          const kb = await seedKb(store.db);
          const latest = await latestChanges(store.db);
          assert.deepEqual(
            latest.map((c) => c.changeId),
            [kb.changes.winsockUpdated, kb.changes.serverNew, kb.changes.exchangeNew],
            'metadata and moved changes are not listed',
          );
          const winsock = await store.db
            .selectFrom('articles')
            .selectAll()
            .where('id', '=', kb.articles.winsock)
            .executeTakeFirstOrThrow();
          assert.deepEqual(latest[0], {
            changeId: kb.changes.winsockUpdated,
            articleId: kb.articles.winsock,
            kind: 'updated',
            detectedAt: '2024-01-20T03:00:00.000Z',
            minor: false,
            summary: JSON.stringify({
              sections: ['Resolution'],
              wordsAdded: 3,
              wordsRemoved: 1,
              minor: false,
            }),
            kb: 307175,
            path: winsock.path,
            title: winsock.title,
            retired: false,
          });
          assert.equal(latest[1].kind, 'new');
          assert.equal(latest[1].summary, null);
          assert.deepEqual(
            (await latestChanges(store.db, { limit: 2 })).map((c) => c.changeId),
            [kb.changes.winsockUpdated, kb.changes.serverNew],
          );

          // An article changed again: its newest change only, and a minor change of a retired article.
          const again = await update(store, kb, kb.articles.winsock, '2024-01-23T03:00:00.000Z');
          const minor = await update(store, kb, kb.articles.server, '2024-01-24T03:00:00.000Z', true);
          await store.db
            .updateTable('articles')
            .set({ retired: 1 })
            .where('id', '=', kb.articles.server)
            .execute();
          const twice = await latestChanges(store.db, { limit: 2 });
          assert.deepEqual(
            twice.map((c) => c.changeId),
            [minor, again],
          );
          assert.equal(twice[0].minor, true);
          assert.equal(twice[0].retired, true);
          assert.equal(twice[1].title, winsock.title, 'the article’s title, not the change’s');
          assert.deepEqual(
            (await latestChanges(store.db, { limit: 3 })).map((c) => c.changeId),
            [minor, again, kb.changes.exchangeNew],
            'older changes of listed articles are skipped',
          );
        } finally {
          await store.close();
        }
      },
    );

    it('lists the latest changes of one technology, small or big', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const kb = await seedKb(store.db);
        for (const articleCount of [0, 1999, 2000, 50_000]) {
          const server = { id: kb.tech.server, article_count: articleCount };
          assert.deepEqual(
            (await latestChanges(store.db, { technology: server })).map((c) => c.changeId),
            [kb.changes.winsockUpdated, kb.changes.serverNew],
            String(articleCount),
          );
          const exchange = { id: kb.tech.exchange, article_count: articleCount };
          assert.deepEqual(
            (await latestChanges(store.db, { technology: exchange, limit: 5 })).map((c) => c.changeId),
            [kb.changes.exchangeNew],
          );
        }
        const none = await insertTechnology(store.db, { slug: 'none', name: 'None' });
        assert.deepEqual(await latestChanges(store.db, { technology: { id: none, article_count: 0 } }), []);
      } finally {
        await store.close();
      }
    });

    it(
      'lists the technologies with most articles, then by name, leaving out empty ones',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          assert.deepEqual(await popularTechnologies(store.db), []);
          await insertTechnology(store.db, { slug: 'windows', name: 'Windows', articleCount: 5 });
          await insertTechnology(store.db, { slug: 'exchange', name: 'Exchange', articleCount: 5 });
          await insertTechnology(store.db, { slug: 'zeta', name: 'Zeta', kind: 'keyword', articleCount: 9 });
          await insertTechnology(store.db, { slug: 'empty', name: 'Empty', articleCount: 0 });
          const popular = await popularTechnologies(store.db);
          assert.deepEqual(
            popular.map((t) => [t.slug, t.article_count]),
            [
              ['zeta', 9],
              ['exchange', 5],
              ['windows', 5],
            ],
          );
          assert.equal(popular[0].kind, 'keyword');
          assert.deepEqual(
            (await popularTechnologies(store.db, 2)).map((t) => t.slug),
            ['zeta', 'exchange'],
          );
          for (let i = 0; i < 30; i++)
            await insertTechnology(store.db, { slug: `t${i}`, name: `T${i}`, articleCount: 1 });
          assert.equal((await popularTechnologies(store.db)).length, 24, '24 by default');
        } finally {
          await store.close();
        }
      },
    );
  });
}
