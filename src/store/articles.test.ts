import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { insertRevision } from '../../test/api-factories.ts';
import { insertArticle, insertSource } from '../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import {
  articlesByKb,
  articlesByPath,
  currentPaths,
  latestRevisionTexts,
  upsertPaths,
  writeSearchRows,
} from './articles.ts';
import type { Store } from './db.ts';
import type { Database } from './schema.ts';
import { search } from './search/index.ts';

const AT = '2024-01-15T08:00:00.000Z';

/** `n` articles of a source at `support/bulk-<i>.md`, without search rows; returns their ids in order. */
async function bulkArticles(db: Kysely<Database>, sourceId: number, n: number): Promise<number[]> {
  const rows = Array.from({ length: n }, (_, i) => ({
    key: `${sourceId}:support/bulk-${i}.md`,
    kb: null,
    source_id: sourceId,
    path: `support/bulk-${i}.md`,
    url: null,
    title: `Bulk ${i}`,
    description: '',
    body_html: '',
    products: '[]',
    areas: '[]',
    keywords: '[]',
    last_reviewed: null,
    first_seen: AT,
    last_changed: AT,
    revision: '1.0',
    revision_count: 1,
    content_hash: `c${i}`,
    meta_hash: `m${i}`,
    retired: 0,
  }));
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 200) {
    const out = await db
      .insertInto('articles')
      .values(rows.slice(i, i + 200))
      .returning('id')
      .execute();
    ids.push(...out.map((r) => r.id));
  }
  return ids;
}

/** The full-text rows as stored: article id → title. */
async function searchRows(store: Store): Promise<Map<number, string>> {
  const id = store.dialect === 'sqlite' ? sql`rowid` : sql`article_id`;
  const { rows } = await sql<{
    id: number;
    title: string;
  }>`SELECT ${id} AS id, title FROM article_fts`.execute(store.db);
  return new Map(rows.map((r) => [Number(r.id), r.title]));
}

const filler = (n: number, from: number) => Array.from({ length: n }, (_, i) => from + i);

for (const dialect of DIALECTS) {
  describe(`store: articles (${dialect})`, { skip: await skipReason(dialect) }, () => {
    it('finds the articles of each KB number across sources, in batches', async () => {
      const store = await createStore(dialect);
      try {
        const docs = await insertSource(store.db, 'docs');
        const classic = await insertSource(store.db, 'classic');
        const live = await insertArticle(store.db, { sourceId: docs, kb: 307175, title: 'Winsock' });
        const old = await insertArticle(store.db, {
          sourceId: classic,
          title: 'Winsock (classic)',
          retired: true,
        });
        await store.db.updateTable('articles').set({ kb: 307175 }).where('id', '=', old).execute();
        const far = await insertArticle(store.db, {
          sourceId: docs,
          kb: 100,
          path: 'support/far.md',
          title: 'Far',
        });
        await insertArticle(store.db, { sourceId: docs, title: 'No number' });

        assert.equal((await articlesByKb(store.db, [])).size, 0);
        // 700 numbers besides: the last one is looked up in the third batch.
        const found = await articlesByKb(store.db, [307175, 307175, ...filler(700, 1000), 100]);
        assert.deepEqual(
          [...found.keys()].sort((a, b) => a - b),
          [100, 307175],
        );
        assert.deepEqual(
          found
            .get(307175)!
            .map((a) => [a.id, a.source_id, a.retired])
            .sort((a, b) => a[0] - b[0]),
          [
            [live, docs, 0],
            [old, classic, 1],
          ],
          'each article once, live and retired',
        );
        const [a] = found.get(100)!;
        assert.deepEqual(
          { ...a, content_hash: 'x', meta_hash: 'x' },
          {
            id: far,
            key: 'kb:100',
            kb: 100,
            source_id: docs,
            path: 'support/far.md',
            title: 'Far',
            content_hash: 'x',
            meta_hash: 'x',
            revision: '1.0',
            revision_count: 1,
            retired: 0,
          },
        );
      } finally {
        await store.close();
      }
    });

    it('finds articles by current path or old alias of one source, in batches', async () => {
      const store = await createStore(dialect);
      try {
        const docs = await insertSource(store.db, 'docs');
        const classic = await insertSource(store.db, 'classic');
        const a = await insertArticle(store.db, { sourceId: docs, path: 'support/a.md', title: 'A' });
        const b = await insertArticle(store.db, { sourceId: classic, path: 'support/a.md', title: 'B' });
        await upsertPaths(store.db, [
          { source_id: docs, path: 'support/a.md', article_id: a, current: 1 },
          { source_id: docs, path: 'support/old-a.md', article_id: a, current: 0 },
          { source_id: classic, path: 'support/a.md', article_id: b, current: 1 },
        ]);
        assert.equal((await articlesByPath(store.db, docs, [])).size, 0);
        const paths = [
          ...filler(650, 0).map((i) => `support/none-${i}.md`),
          'support/a.md',
          'support/old-a.md',
        ];
        const found = await articlesByPath(store.db, docs, [...paths, 'support/a.md']);
        assert.deepEqual([...found.keys()].sort(), ['support/a.md', 'support/old-a.md']);
        assert.equal(found.get('support/a.md')?.id, a, 'not the other source’s article at the same path');
        assert.equal(found.get('support/a.md')?.current, 1);
        assert.equal(found.get('support/old-a.md')?.id, a);
        assert.equal(found.get('support/old-a.md')?.current, 0);
        assert.equal(found.get('support/a.md')?.title, 'A');
        assert.equal((await articlesByPath(store.db, classic, ['support/old-a.md'])).size, 0);
      } finally {
        await store.close();
      }
    });

    it('reads the text of each article’s latest revision', async () => {
      const store = await createStore(dialect);
      try {
        const sourceId = await insertSource(store.db, 'docs');
        const a = await insertArticle(store.db, { sourceId, title: 'A' });
        const b = await insertArticle(store.db, { sourceId, title: 'B' });
        const none = await insertArticle(store.db, { sourceId, title: 'No revisions' });
        await insertRevision(store.db, { articleId: a, sourceId, text: 'first' });
        await insertRevision(store.db, { articleId: b, sourceId, text: 'only' });
        await insertRevision(store.db, { articleId: a, sourceId, text: 'second' });
        assert.equal((await latestRevisionTexts(store.db, [])).size, 0);
        assert.deepEqual(
          await latestRevisionTexts(store.db, [a, b, none, a]),
          new Map([
            [a, 'second'],
            [b, 'only'],
          ]),
        );
        const many = await latestRevisionTexts(store.db, [...filler(400, 100_000), b]);
        assert.deepEqual(many, new Map([[b, 'only']]), 'ids past the first batch');
      } finally {
        await store.close();
      }
    });

    it('writes and replaces search rows in batches, and search finds them', async () => {
      const store = await createStore(dialect);
      try {
        const sourceId = await insertSource(store.db, 'docs');
        await writeSearchRows(store.db, []);
        assert.equal((await searchRows(store)).size, 0);
        const ids = await bulkArticles(store.db, sourceId, 150);
        const doc = (id: number, word: string) => ({
          articleId: id,
          title: `${word} ${id}`,
          description: 'About it.',
          body: `Text about ${word}.`,
        });
        await writeSearchRows(
          store.db,
          ids.map((id) => doc(id, 'zebra')),
          { fresh: true },
        );
        assert.equal((await searchRows(store)).size, 150);
        assert.equal((await search(store, 'zebra', { limit: 1 })).total, 150);
        // Rewriting replaces the rows (past the first batch of 100), it never adds a second one.
        await writeSearchRows(
          store.db,
          ids.slice(50).map((id) => doc(id, 'giraffe')),
        );
        const rows = await searchRows(store);
        assert.equal(rows.size, 150);
        assert.equal(rows.get(ids[0]), `zebra ${ids[0]}`);
        assert.equal(rows.get(ids[149]), `giraffe ${ids[149]}`);
        assert.equal((await search(store, 'zebra', { limit: 1 })).total, 50);
        assert.equal((await search(store, 'giraffe', { limit: 1 })).total, 100);
      } finally {
        await store.close();
      }
    });

    it('upserts paths in batches, the last row of a path winning, and lists the current ones', async () => {
      const store = await createStore(dialect);
      try {
        const docs = await insertSource(store.db, 'docs');
        const classic = await insertSource(store.db, 'classic');
        const [a, b] = await bulkArticles(store.db, docs, 2);
        await upsertPaths(store.db, []);
        const many = filler(650, 0).map((i) => ({
          source_id: docs,
          path: `support/p-${i}.md`,
          article_id: a,
          current: 1,
        }));
        await upsertPaths(store.db, many);
        assert.equal((await currentPaths(store.db, docs)).length, 650);
        await upsertPaths(store.db, [
          { source_id: docs, path: 'support/p-0.md', article_id: a, current: 1 },
          { source_id: docs, path: 'support/p-0.md', article_id: b, current: 0 },
          { source_id: docs, path: 'support/p-1.md', article_id: b, current: 1 },
          { source_id: classic, path: 'support/p-0.md', article_id: a, current: 1 },
        ]);
        const rows = await store.db
          .selectFrom('article_paths')
          .select(['source_id', 'path', 'article_id', 'current'])
          .where('path', 'in', ['support/p-0.md', 'support/p-1.md'])
          .orderBy('source_id')
          .orderBy('path')
          .execute();
        assert.deepEqual(rows, [
          { source_id: docs, path: 'support/p-0.md', article_id: b, current: 0 },
          { source_id: docs, path: 'support/p-1.md', article_id: b, current: 1 },
          { source_id: classic, path: 'support/p-0.md', article_id: a, current: 1 },
        ]);
        const current = await currentPaths(store.db, docs);
        assert.equal(current.length, 649, 'the alias is not current');
        assert.ok(!current.includes('support/p-0.md'));
        assert.deepEqual(await currentPaths(store.db, classic), ['support/p-0.md']);
        assert.deepEqual(await currentPaths(store.db, 9999), []);
      } finally {
        await store.close();
      }
    });
  });
}
