import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertChange, insertScan } from '../../test/digest-factories.ts';
import { insertArticle, insertSource } from '../../test/factories.ts';
import { RowCounter } from '../../test/row-counter.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import type { Store } from '../store/db.ts';
import { WindowReader, type WindowPage } from './pages.ts';

async function walk(reader: WindowReader, afterId: number): Promise<WindowPage[]> {
  const pages: WindowPage[] = [];
  for await (const page of reader.pages(afterId)) pages.push(page);
  return pages;
}

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`match: the change window in pages on ${dialect}`, { skip: reason }, () => {
    let store: Store;
    const a: number[] = [];
    /** Change ids: a0 new, a1 new, a2 new, a0 updated, a3 new, a1 moved, a4 new, a0 updated. */
    const c: number[] = [];

    before(async () => {
      store = await createStore(dialect);
      const db = store.db;
      const sourceId = await insertSource(db, 'support');
      const scanId = await insertScan(db, sourceId);
      for (let i = 0; i < 5; i++)
        a.push(
          await insertArticle(db, { sourceId, title: `Article ${i}`, body: i % 2 ? 'firewall' : 'backup' }),
        );
      const add = (i: number, kind: 'new' | 'updated' | 'moved') =>
        insertChange(db, { scanId, sourceId, articleId: a[i], kind });
      for (const [i, kind] of [
        [0, 'new'],
        [1, 'new'],
        [2, 'new'],
        [0, 'updated'],
        [3, 'new'],
        [1, 'moved'],
        [4, 'new'],
        [0, 'updated'],
      ] as const)
        c.push(await add(i, kind));
    });
    after(async () => store?.close());

    it('tiles the window newest first; each article once, in the page of its newest change, with all its changes', async () => {
      const reader = new WindowReader(store.db, c[7], 2);
      const pages = await walk(reader, 0);
      assert.deepEqual(
        pages.map((p) => [p.lo, p.hi]),
        [
          [c[6] - 1, c[7]],
          [c[3] - 1, c[6] - 1],
          [c[1] - 1, c[3] - 1],
          [0, c[1] - 1],
        ],
        'pages of two alertable changes (a move is none), down to the start',
      );
      const articlesOf = (p: WindowPage) => [...p.window.articles.keys()].sort((x, y) => x - y);
      assert.deepEqual(pages.map(articlesOf), [[a[0], a[4]], [a[3]], [a[1], a[2]], []]);
      assert.deepEqual(
        pages[0].window.articles.get(a[0])!.changes.map((x) => x.id),
        [c[0], c[3], c[7]],
        'the changes below the page too',
      );
      assert.equal(pages[0].window.articles.get(a[0])!.doc.body, '', 'no bodies until a query needs them');
      const from = await walk(new WindowReader(store.db, c[7], 2), c[3]);
      assert.deepEqual(from.map(articlesOf), [[a[0], a[4]], [a[3]]], 'a walk stops at its start');
      assert.deepEqual(
        from[0].window.articles.get(a[0])!.changes.map((x) => x.id),
        [c[7]],
      );
    });

    it('reuses the page it holds, and reads bodies once per page, only for queries', async () => {
      const counter = new RowCounter();
      const reader = new WindowReader(store.db.withPlugin(counter), c[7]);
      const [page] = await walk(reader, c[0]);
      assert.equal(reader.pagesRead, 1);
      assert.equal(counter.of('article_fts').reads, 0, 'no body read to walk the window');
      await walk(reader, c[2]);
      assert.equal(reader.pagesRead, 1, 'a later start reuses the page');
      const hits = await reader.hits(page, ['firewall', 'backup', '(broken']);
      assert.deepEqual(
        [...hits.hits.get('firewall')!].sort((x, y) => x - y),
        [a[1], a[3]],
      );
      assert.deepEqual(
        [...hits.hits.get('backup')!].sort((x, y) => x - y),
        [a[0], a[2], a[4]],
      );
      assert.deepEqual([...hits.invalid.keys()], ['(broken']);
      const bodyReads = counter.of('article_fts').reads;
      assert.ok(bodyReads > 0);
      const again = await reader.hits(page, ['firewall', 'nothing']);
      assert.deepEqual([...again.hits.keys()], ['firewall']);
      assert.equal(counter.of('article_fts').reads, bodyReads, 'bodies are read once per page');
      await walk(reader, 0);
      assert.equal(reader.pagesRead, 2, 'an earlier start reads the page again');
    });
  });
}
