import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertChange, insertScan } from '../../../test/digest-factories.ts';
import { insertArticle, insertSource } from '../../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../../test/stores.ts';
import type { Store } from '../db.ts';
import { alertableChangesOf, earliestChangeTime, windowPageChanges } from './window-pages.ts';

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`store: the change window in pages on ${dialect}`, { skip: reason }, () => {
    let store: Store;
    const article = { a: 0, b: 0 };
    /** Change ids in order: a new, b new, a metadata, a updated (minor), b moved, b updated. */
    const c: number[] = [];

    before(async () => {
      store = await createStore(dialect);
      const db = store.db;
      const sourceId = await insertSource(db, 'support');
      const scanId = await insertScan(db, sourceId);
      article.a = await insertArticle(db, { sourceId, title: 'A' });
      article.b = await insertArticle(db, { sourceId, title: 'B' });
      const add = (
        articleId: number,
        kind: 'new' | 'updated' | 'metadata' | 'moved',
        day: string,
        minor = false,
      ) =>
        insertChange(db, {
          scanId,
          sourceId,
          articleId,
          kind,
          minor,
          detectedAt: `2026-10-${day}T03:00:00.000Z`,
        });
      c.push(await add(article.a, 'new', '02'));
      c.push(await add(article.b, 'new', '01'));
      c.push(await add(article.a, 'metadata', '03'));
      c.push(await add(article.a, 'updated', '04', true));
      c.push(await add(article.b, 'moved', '05'));
      c.push(await add(article.b, 'updated', '06'));
    });
    after(async () => store?.close());

    it('pages the alertable changes down from an id, newest first, a limit at a time', async () => {
      const db = store.db;
      assert.deepEqual(await windowPageChanges(db, 0, c[5], 2), [
        { id: c[5], articleId: article.b },
        { id: c[3], articleId: article.a },
      ]);
      assert.deepEqual(await windowPageChanges(db, 0, c[3] - 1, 2), [
        { id: c[1], articleId: article.b },
        { id: c[0], articleId: article.a },
      ]);
      assert.deepEqual(await windowPageChanges(db, c[0], c[3] - 1, 2), [{ id: c[1], articleId: article.b }]);
      assert.deepEqual(await windowPageChanges(db, c[5], c[5], 2), []);
    });

    it('reads the alertable changes of given articles inside the window, oldest first', async () => {
      const got = await alertableChangesOf(store.db, [article.a, article.b], c[0], c[5]);
      assert.deepEqual(
        got.map((x) => [x.id, x.articleId, x.kind, x.minor]),
        [
          [c[1], article.b, 'new', false],
          [c[3], article.a, 'updated', true],
          [c[5], article.b, 'updated', false],
        ],
      );
      assert.deepEqual(got[1].summary?.sections, ['Resolution']);
      assert.deepEqual(await alertableChangesOf(store.db, [article.a], c[3], c[5]), []);
      assert.deepEqual(await alertableChangesOf(store.db, [], 0, c[5]), []);
    });

    it('knows when the earliest alertable change of a window was detected', async () => {
      const db = store.db;
      assert.equal(await earliestChangeTime(db, 0, c[5]), '2026-10-01T03:00:00.000Z');
      assert.equal(
        await earliestChangeTime(db, c[1], c[5]),
        '2026-10-04T03:00:00.000Z',
        'metadata does not count',
      );
      assert.equal(await earliestChangeTime(db, c[5], c[5]), null);
    });
  });
}
