import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertChange, insertScan } from '../../../test/digest-factories.ts';
import { insertArticle, insertSource, insertTechnology } from '../../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../../test/stores.ts';
import type { Store } from '../db.ts';
import {
  alertableChanges,
  articleBodies,
  articleTechnologies,
  changeHorizon,
  currentWatermark,
  HorizonBusyError,
  sourceNames,
  technologyAliases,
  windowArticles,
} from './window.ts';

const SUMMARY = { sections: ['Cause'], wordsAdded: 3, wordsRemoved: 1, minor: true };

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`store: the change window on ${dialect}`, { skip: reason }, () => {
    let store: Store;
    let sourceId: number;
    let scanId: number;
    const tech = { ws: 0, sql: 0 };
    const article = { plain: 0, edited: 0, retired: 0 };
    const change = { first: 0, updated: 0, metadata: 0, retired: 0 };

    before(async () => {
      store = await createStore(dialect);
      const db = store.db;
      assert.equal(await currentWatermark(db), 0, 'no changes yet');
      sourceId = await insertSource(db, 'support');
      scanId = await insertScan(db, sourceId);
      tech.ws = await insertTechnology(db, {
        slug: 'windows-server',
        name: 'Windows Server',
        aliases: ['WS'],
      });
      tech.sql = await insertTechnology(db, { slug: 'sql-server', name: 'SQL Server', kind: 'area' });
      article.plain = await insertArticle(db, {
        sourceId,
        title: 'Plain',
        kb: 111,
        body: 'The plain body.',
        products: ['Windows Server'],
        keywords: ['kbnet'],
        technologies: [tech.ws, tech.sql],
        lastReviewed: '2026-01-02',
      });
      article.edited = await insertArticle(db, { sourceId, title: 'Edited', body: 'Edited body.' });
      article.retired = await insertArticle(db, { sourceId, title: 'Gone', retired: true });
      const add = (articleId: number, kind: 'new' | 'updated' | 'metadata', minor = false) =>
        insertChange(db, {
          scanId,
          sourceId,
          articleId,
          kind,
          minor,
          summary: kind === 'updated' ? SUMMARY : null,
        });
      change.first = await add(article.plain, 'new');
      change.updated = await add(article.edited, 'updated', true);
      change.metadata = await add(article.plain, 'metadata');
      change.retired = await add(article.retired, 'new');
    });
    after(async () => store?.close());

    it('knows the newest change id, and the horizon equals it when no scan is writing', async () => {
      assert.equal(await currentWatermark(store.db), change.retired);
      assert.equal(await changeHorizon(store.db), change.retired);
    });

    it('reads the alertable changes inside the window, oldest first, with their summaries', async () => {
      const all = await alertableChanges(store.db, 0, change.retired);
      assert.deepEqual(all, [
        { id: change.first, articleId: article.plain, kind: 'new', minor: false, summary: null },
        { id: change.updated, articleId: article.edited, kind: 'updated', minor: true, summary: SUMMARY },
        { id: change.retired, articleId: article.retired, kind: 'new', minor: false, summary: null },
      ]);
      assert.deepEqual(
        (await alertableChanges(store.db, change.first, change.metadata)).map((c) => c.id),
        [change.updated],
        'afterId is excluded, upToId included, metadata changes never alert',
      );
      assert.deepEqual(await alertableChanges(store.db, change.retired, change.retired + 10), []);
    });

    it('reads the articles with their lists decoded, retired ones flagged', async () => {
      const rows = await windowArticles(store.db, [article.plain, article.retired, 999_999]);
      const plain = rows.find((r) => r.id === article.plain);
      assert.equal(rows.length, 2);
      assert.deepEqual(
        { ...plain, url: undefined, path: undefined, lastChanged: undefined },
        {
          id: article.plain,
          kb: 111,
          title: 'Plain',
          description: '',
          sourceId,
          path: undefined,
          url: undefined,
          products: ['Windows Server'],
          areas: [],
          keywords: ['kbnet'],
          lastReviewed: '2026-01-02',
          lastChanged: undefined,
          retired: false,
        },
      );
      assert.equal(rows.find((r) => r.id === article.retired)?.retired, true);
      assert.deepEqual(await windowArticles(store.db, []), []);
    });

    it('reads bodies, technologies, aliases and source names for the articles', async () => {
      const bodies = await articleBodies(store.db, [article.plain, article.edited]);
      assert.deepEqual(
        bodies,
        new Map([
          [article.plain, 'The plain body.'],
          [article.edited, 'Edited body.'],
        ]),
      );
      const links = await articleTechnologies(store.db, [article.plain, article.edited]);
      assert.deepEqual(
        links.sort((a, b) => a.technology.id - b.technology.id),
        [
          {
            articleId: article.plain,
            technology: { id: tech.ws, slug: 'windows-server', name: 'Windows Server', kind: 'product' },
          },
          {
            articleId: article.plain,
            technology: { id: tech.sql, slug: 'sql-server', name: 'SQL Server', kind: 'area' },
          },
        ],
      );
      const aliases = await technologyAliases(store.db, [tech.ws]);
      assert.deepEqual([...aliases.keys()], [tech.ws]);
      assert.deepEqual(aliases.get(tech.ws)?.sort(), ['windows server', 'windows-server', 'ws']);
      assert.deepEqual(await sourceNames(store.db), new Map([[sourceId, 'support']]));
    });

    it(
      'gives up on the horizon while a scan holds uncommitted changes (PostgreSQL)',
      { skip: dialect === 'sqlite' && 'SQLite has one writer at a time; its horizon never waits' },
      async () => {
        let inserted!: () => void;
        let release!: () => void;
        const written = new Promise<void>((r) => (inserted = r));
        const held = new Promise<void>((r) => (release = r));
        const scan = store.db.transaction().execute(async (tx) => {
          await insertChange(tx, { scanId, sourceId, articleId: article.plain, kind: 'updated' });
          inserted();
          await held;
        });
        await written;
        try {
          await assert.rejects(changeHorizon(store.db, 50), HorizonBusyError);
        } finally {
          release();
          await scan;
        }
        assert.equal(await changeHorizon(store.db, 50), await currentWatermark(store.db));
      },
    );
  });
}
