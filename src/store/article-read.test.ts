import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertArticle, insertArticlePath, insertSource } from '../../test/api-factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { seedKb, type SeededKb } from '../../test/web-fixtures.ts';
import {
  changesSince,
  findArticleById,
  findArticleByKb,
  findArticleByPath,
  pathsOf,
  revisionsOf,
  revisionText,
  technologiesOfArticle,
} from './article-read.ts';
import type { Store } from './db.ts';

for (const dialect of DIALECTS) {
  describe(`store: reading articles (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let store: Store;
    let kb: SeededKb;
    let classic: number;
    before(async () => {
      store = await createStore(dialect);
      kb = await seedKb(store.db);
      classic = await insertSource(store.db, 'classic-kb');
    });
    after(() => store?.close());

    it('finds an article by KB number, a live one before a retired one', async () => {
      assert.equal((await findArticleByKb(store.db, 307175))?.id, kb.articles.winsock);
      assert.equal(
        (await findArticleByKb(store.db, 307175))?.title,
        'How to use Winsock to listen on a port',
      );
      assert.equal(await findArticleByKb(store.db, 999999), undefined);
      const retired = await insertArticle(store.db, {
        sourceId: classic,
        kb: 555,
        title: 'Old',
        retired: true,
      });
      assert.equal(
        (await findArticleByKb(store.db, 555))?.id,
        retired,
        'a retired one when it is the only one',
      );
      const live = await insertArticle(store.db, { sourceId: classic, title: 'New' });
      await store.db.updateTable('articles').set({ kb: 555 }).where('id', '=', live).execute();
      assert.equal((await findArticleByKb(store.db, 555))?.id, live);
    });

    it('finds an article by its current path or an old one, with or without leading slashes', async () => {
      const current = await findArticleByPath(store.db, 'support/exchange/mail-flow.md');
      assert.equal(current?.id, kb.articles.exchange);
      assert.equal(current?.path_current, 1);
      assert.equal(current?.kb, null);
      const old = await findArticleByPath(store.db, '//support/exchange/old-mail-flow.md');
      assert.equal(old?.id, kb.articles.exchange);
      assert.equal(old?.path_current, 0);
      assert.equal(await findArticleByPath(store.db, 'support/none.md'), undefined);
      // One path, an old alias in one source and the current path of another article: the current one wins.
      const other = await insertArticle(store.db, {
        sourceId: classic,
        path: 'support/shared.md',
        title: 'Shared',
      });
      await insertArticlePath(store.db, kb.sourceId, kb.articles.server, 'support/shared.md', false);
      await insertArticlePath(store.db, classic, other, 'support/shared.md', true);
      const shared = await findArticleByPath(store.db, '/support/shared.md');
      assert.equal(shared?.id, other);
      assert.equal(shared?.path_current, 1);
    });

    it('finds an article by id', async () => {
      const a = await findArticleById(store.db, kb.articles.server);
      assert.equal(a?.kb, 100001);
      assert.equal(a?.path, 'support/windows/server-boot.md');
      assert.equal(await findArticleById(store.db, 987654), undefined);
    });

    it('lists an article’s revisions with their source, and reads one revision of that article only', async () => {
      const revisions = await revisionsOf(store.db, kb.articles.winsock);
      assert.deepEqual(
        revisions.map((r) => [r.id, r.number, r.seen_at, r.source, r.source_kind, r.path]),
        [
          [
            kb.revisions.winsock[0],
            '1.0',
            '2024-01-10T03:00:00.000Z',
            'support-docs',
            'git',
            'support/windows/winsock-listen.md',
          ],
          [
            kb.revisions.winsock[1],
            '2.0',
            '2024-01-20T03:00:00.000Z',
            'support-docs',
            'git',
            'support/windows/winsock-listen.md',
          ],
        ],
      );
      assert.deepEqual(await revisionsOf(store.db, 987654), []);
      const text = await revisionText(store.db, kb.articles.winsock, kb.revisions.winsock[1]);
      assert.equal(text?.text, 'Use SO_EXCLUSIVEADDRUSE.');
      assert.equal(await revisionText(store.db, kb.articles.exchange, kb.revisions.winsock[1]), undefined);
    });

    it('lists an article’s paths with their source', async () => {
      const paths = await pathsOf(store.db, kb.articles.exchange);
      assert.deepEqual(
        paths.sort((a, b) => a.path.localeCompare(b.path)),
        [
          { path: 'support/exchange/mail-flow.md', current: 1, source: 'support-docs' },
          { path: 'support/exchange/old-mail-flow.md', current: 0, source: 'support-docs' },
        ],
      );
      assert.deepEqual(await pathsOf(store.db, 987654), []);
    });

    it('lists an article’s technologies by kind, then name', async () => {
      assert.deepEqual(await technologiesOfArticle(store.db, kb.articles.winsock), [
        { slug: 'kbwinsock', name: 'kbWinsock', kind: 'keyword' },
        { slug: 'windows-server-2019', name: 'Windows Server 2019', kind: 'product' },
      ]);
      assert.deepEqual(await technologiesOfArticle(store.db, 987654), []);
    });

    it('lists changes since a time, oldest first, by kind and up to a limit', async () => {
      const since = '2024-01-15T03:00:00.000Z';
      const all = await changesSince(store.db, since);
      assert.deepEqual(
        all.map((c) => c.id),
        [
          kb.changes.serverNew,
          kb.changes.winsockUpdated,
          kb.changes.exchangeMetadata,
          kb.changes.serverMoved,
        ],
      );
      assert.equal(all[0].source, 'support-docs');
      assert.equal(all[0].article_id, kb.articles.server);
      assert.equal(all[1].kind, 'updated');
      assert.deepEqual(JSON.parse(all[1].summary!), {
        sections: ['Resolution'],
        wordsAdded: 3,
        wordsRemoved: 1,
        minor: false,
      });
      assert.deepEqual(
        (await changesSince(store.db, since, { kinds: ['new', 'moved'] })).map((c) => c.id),
        [kb.changes.serverNew, kb.changes.serverMoved],
      );
      assert.deepEqual(
        (await changesSince(store.db, since, { kinds: [] })).map((c) => c.id),
        all.map((c) => c.id),
        'no kinds means every kind',
      );
      assert.deepEqual(
        (await changesSince(store.db, since, { limit: 2 })).map((c) => c.id),
        [kb.changes.serverNew, kb.changes.winsockUpdated],
      );
      assert.deepEqual(await changesSince(store.db, '2030-01-01T00:00:00.000Z'), []);
    });
  });
}
