import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertArticle, insertRevision, insertSource } from '../../test/api-factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { seedKb } from '../../test/web-fixtures.ts';
import { articleHead, currentRevisionId, dataVersion, mentionsOf, sourceOf } from './article-extras.ts';
import type { Store } from './db.ts';
import { insertFeedback, moderateFeedback } from './feedback.ts';

const AT = '2024-02-01T12:00:00.000Z';

function feedback(store: Store, articleId: number) {
  return insertFeedback(store.db, {
    article_id: articleId,
    user_id: null,
    name: 'Reader',
    contact: '',
    body: 'Thanks.',
    status: 'pending',
    created_at: AT,
    ip_hash: 'h',
  });
}

for (const dialect of DIALECTS) {
  describe(`store: what an article page shows besides the article (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it('reads the source of an article', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const id = await insertSource(store.db, 'docs');
        assert.deepEqual(await sourceOf(store.db, id), {
          id,
          name: 'docs',
          kind: 'git',
          location: 'https://example.org/docs.git',
        });
        assert.equal(await sourceOf(store.db, id + 1), undefined);
      } finally {
        await store.close();
      }
    });

    it('versions the archive by its newest change and newest revision', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        assert.equal(await dataVersion(store.db), '0.0');
        const kb = await seedKb(store.db);
        const version = `${kb.changes.serverMoved}.${Math.max(...Object.values(kb.revisions).flat())}`;
        assert.equal(await dataVersion(store.db), version);
        const rev = await insertRevision(store.db, { articleId: kb.articles.server, sourceId: kb.sourceId });
        assert.equal(
          await dataVersion(store.db),
          `${kb.changes.serverMoved}.${rev}`,
          'a revision alone moves it',
        );
      } finally {
        await store.close();
      }
    });

    it(
      'reads an article’s head by KB number or id, with its approved feedback and the version',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          const kb = await seedKb(store.db);
          const head = await articleHead(store.db, { kb: 307175 });
          const article = await store.db
            .selectFrom('articles')
            .selectAll()
            .where('id', '=', kb.articles.winsock)
            .executeTakeFirstOrThrow();
          assert.deepEqual(head, {
            id: article.id,
            kb: 307175,
            path: article.path,
            revision: article.revision,
            meta_hash: article.meta_hash,
            content_hash: article.content_hash,
            retired: 0,
            feedback: '0.0',
            version: await dataVersion(store.db),
          });
          assert.deepEqual(await articleHead(store.db, { id: kb.articles.winsock }), head);
          const first = await feedback(store, kb.articles.winsock);
          const second = await feedback(store, kb.articles.winsock);
          await feedback(store, kb.articles.winsock);
          await feedback(store, kb.articles.server);
          assert.equal(
            (await articleHead(store.db, { kb: 307175 }))?.feedback,
            '0.0',
            'pending feedback is not shown',
          );
          await moderateFeedback(store.db, first, 'approved');
          await moderateFeedback(store.db, second, 'approved');
          assert.equal((await articleHead(store.db, { kb: 307175 }))?.feedback, `2.${second}`);
          assert.equal(await articleHead(store.db, { kb: 999 }), undefined);
          assert.equal(await articleHead(store.db, { id: 987654 }), undefined);
          // A live article before a retired one with the same number, whatever their ids.
          const retired = await insertArticle(store.db, {
            sourceId: kb.sourceId,
            kb: 555,
            title: 'Old',
            retired: true,
          });
          assert.equal((await articleHead(store.db, { kb: 555 }))?.retired, 1);
          const live = await insertArticle(store.db, { sourceId: kb.sourceId, title: 'New' });
          await store.db.updateTable('articles').set({ kb: 555 }).where('id', '=', live).execute();
          assert.equal((await articleHead(store.db, { kb: 555 }))?.id, live);
          assert.equal((await articleHead(store.db, { id: retired }))?.id, retired);
        } finally {
          await store.close();
        }
      },
    );

    it('finds the live articles that mention one by its KB number, up to a limit', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const sourceId = await insertSource(store.db, 'docs');
        const add = (title: string, body: string, extra: { kb?: number; retired?: boolean } = {}) =>
          insertArticle(store.db, { sourceId, title, body, ...extra });
        const target = await add('Bind a socket exclusively', 'This is KB307175 itself.', { kb: 307175 });
        const byKb = await add('Winsock ports', 'See KB307175 for the exclusive option.');
        const byQ = await add('Old server notes', 'As Q307175 says, bind once.');
        const bare = await add('Article 307175 and you', 'A short note.', { kb: 1234 });
        await add('Retired notes', 'KB307175 again.', { retired: true });
        await add('Unrelated', 'Nothing to see.');
        const target0 = { id: target, kb: 307175, title: 'Bind a socket exclusively' };
        const found = await mentionsOf(store, target0, 'v1');
        assert.deepEqual(
          found.map((m) => m.articleId).sort((a, b) => a - b),
          [byKb, byQ, bare],
          'not itself, not a retired article',
        );
        const bareMention = found.find((m) => m.articleId === bare);
        assert.equal(bareMention?.kb, 1234);
        assert.equal(bareMention?.title, 'Article 307175 and you');
        assert.match(bareMention!.path, /^support\/test\/article-\d+\.md$/);
        assert.equal((await mentionsOf(store, target0, 'v1-limit', 2)).length, 2);

        // The answer is cached under the version: a new mention shows once the version moves.
        const later = await add('Later notes', 'Compare with KB307175.');
        assert.equal((await mentionsOf(store, target0, 'v1')).length, 3);
        assert.ok((await mentionsOf(store, target0, 'v2')).some((m) => m.articleId === later));
      } finally {
        await store.close();
      }
    });

    it(
      'finds mentions of an article without a number by its title as a phrase, if it is long enough',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          const sourceId = await insertSource(store.db, 'docs');
          const add = (title: string, body: string) => insertArticle(store.db, { sourceId, title, body });
          const long = await add('Configure mailbox permissions for delegates', 'Steps.');
          const short = await add('Overview', 'An overview.');
          const quoted = await add('Use "quoted" words — in titles', 'Steps.');
          const phrase = await add('Delegation', 'First configure mailbox permissions for delegates.');
          await add('Scrambled', 'Delegates need permissions to configure a mailbox.');
          await add('Overview of everything', 'This overview names the overview.');
          const quotes = await add('Quotes', 'Always use quoted words in titles.');
          const of = (id: number, title: string) => mentionsOf(store, { id, kb: null, title }, 'v1');
          assert.deepEqual(
            (await of(long, 'Configure mailbox permissions for delegates')).map((m) => m.articleId),
            [phrase],
          );
          assert.deepEqual(await of(short, 'Overview'), [], 'a short title names too many things');
          assert.deepEqual(
            (await of(quoted, 'Use "quoted" words — in titles')).map((m) => m.articleId),
            [quotes],
          );
        } finally {
          await store.close();
        }
      },
    );

    it('says which article failed when the search fails', { skip }, async () => {
      const store = await createStore(dialect);
      await store.close();
      await assert.rejects(
        mentionsOf(store, { id: 42, kb: 307175, title: 'T' }, 'v1'),
        /^Error: store: unable to find the articles mentioning article 42: /,
      );
    });

    it('reads the newest revision from the source the article shows', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const git = await insertSource(store.db, 'docs');
        const classic = await insertSource(store.db, 'classic');
        const a = await insertArticle(store.db, { sourceId: git, title: 'A', kb: 307175 });
        assert.equal(await currentRevisionId(store.db, { id: a, source_id: git }), null);
        const first = await insertRevision(store.db, { articleId: a, sourceId: git });
        const second = await insertRevision(store.db, { articleId: a, sourceId: git });
        const fromClassic = await insertRevision(store.db, { articleId: a, sourceId: classic });
        assert.equal(await currentRevisionId(store.db, { id: a, source_id: git }), second);
        assert.equal(await currentRevisionId(store.db, { id: a, source_id: classic }), fromClassic);
        assert.ok(first < second);
      } finally {
        await store.close();
      }
    });
  });
}
