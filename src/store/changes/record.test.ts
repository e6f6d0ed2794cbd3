import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertSource } from '../../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../../test/stores.ts';
import type { ParsedArticle } from '../../model/article.ts';
import type { Decision } from '../../model/decision.ts';
import type { Store } from '../db.ts';
import { beginScan } from '../scans.ts';
import { recordDecisions, type RecordScope } from './record.ts';

function parsed(path: string, kb: number | null, title: string, text = `Text of ${title}.`): ParsedArticle {
  return {
    path,
    kb,
    title,
    description: `About ${title}.`,
    text,
    bodyHtml: `<p>${text}</p>`,
    plainText: text,
    products: ['Windows Server 2019'],
    areas: [],
    keywords: ['kbprint'],
    lastReviewed: null,
    url: null,
    meta: { 'ms.date': '01/15/2022' },
  };
}

const hashes = (n: number) => ({ contentHash: `c${n}`, metaHash: `m${n}` });
const SUMMARY = { sections: ['Symptoms'], wordsAdded: 1, wordsRemoved: 1, minor: true };

async function scope(store: Store, sourceId: number, now: string): Promise<RecordScope> {
  const scanId = await beginScan(store.db, { sourceId, fromRef: null, at: now });
  return { sourceId, scanId, ref: 'r1', now };
}

const paths = (store: Store) =>
  store.db
    .selectFrom('article_paths')
    .select(['source_id', 'path', 'article_id', 'current'])
    .orderBy('path')
    .execute();
const changes = (store: Store, scanId: number) =>
  store.db
    .selectFrom('changes')
    .select(['kind', 'path', 'previous_path', 'article_id', 'revision_id', 'summary', 'minor', 'detected_at'])
    .where('scan_id', '=', scanId)
    .orderBy('id')
    .execute();

for (const dialect of DIALECTS) {
  describe(`store: recording a batch of scan decisions (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it('writes articles, revisions, paths, changes, search rows and technologies', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const git = await insertSource(store.db, 'docs');
        const classic = await insertSource(store.db, 'classic');
        const s1 = await scope(store, git, '2024-02-01T03:00:00.000Z');
        const first = await recordDecisions(store.db, s1, [
          {
            kind: 'new',
            origin: 'fresh',
            article: parsed('a.md', 100, 'Alpha'),
            hashes: hashes(1),
            key: 'kb:100',
          },
          {
            kind: 'new',
            origin: 'fresh',
            article: parsed('b.md', null, 'Beta'),
            hashes: hashes(2),
            key: `${git}:b.md`,
          },
        ]);
        const [a, b] = first.changes.map((c) => c.articleId);
        assert.deepEqual(first, {
          unchanged: 0,
          changes: [
            { kind: 'new', path: 'a.md', previousPath: null, kb: 100, title: 'Alpha', articleId: a },
            { kind: 'new', path: 'b.md', previousPath: null, kb: null, title: 'Beta', articleId: b },
          ],
        });
        const articles = await store.db
          .selectFrom('articles')
          .select(['id', 'key', 'revision', 'revision_count', 'content_hash', 'retired', 'products'])
          .orderBy('id')
          .execute();
        assert.deepEqual(articles, [
          {
            id: a,
            key: 'kb:100',
            revision: '1.0',
            revision_count: 1,
            content_hash: 'c1',
            retired: 0,
            products: '["Windows Server 2019"]',
          },
          {
            id: b,
            key: `${git}:b.md`,
            revision: '1.0',
            revision_count: 1,
            content_hash: 'c2',
            retired: 0,
            products: '["Windows Server 2019"]',
          },
        ]);
        const newRows = await changes(store, s1.scanId);
        assert.equal(newRows.length, 2);
        assert.ok(
          newRows.every((c) => c.revision_id !== null && c.detected_at === s1.now && c.summary === null),
        );
        assert.deepEqual(await paths(store), [
          { source_id: git, path: 'a.md', article_id: a, current: 1 },
          { source_id: git, path: 'b.md', article_id: b, current: 1 },
        ]);
        const fts = await store.db.selectFrom('article_fts').select('title').orderBy('title').execute();
        assert.deepEqual(
          fts.map((r) => r.title),
          ['Alpha', 'Beta'],
        );
        const techs = await store.db
          .selectFrom('article_technologies as at')
          .innerJoin('technologies as t', 't.id', 'at.technology_id')
          .select(['at.article_id', 't.slug'])
          .orderBy('at.article_id')
          .orderBy('t.slug')
          .execute();
        assert.deepEqual(
          techs.map((t) => [t.article_id, t.slug]),
          [
            [a, 'kbprint'],
            [a, 'windows-server-2019'],
            [b, 'kbprint'],
            [b, 'windows-server-2019'],
          ],
        );

        // Scan 2: an update, a move, an unchanged file; then a classic text attached.
        const s2 = await scope(store, git, '2024-02-02T03:00:00.000Z');
        const second = await recordDecisions(store.db, s2, [
          {
            kind: 'updated',
            article: parsed('a.md', 100, 'Alpha v2'),
            hashes: hashes(3),
            articleId: a,
            revision: '2.0',
            revisionCount: 2,
            previousPath: null,
            summary: SUMMARY,
          },
          {
            kind: 'moved',
            article: parsed('c.md', null, 'Beta'),
            hashes: hashes(2),
            articleId: b,
            revision: '1.0',
            revisionCount: 1,
            previousPath: { sourceId: git, path: 'b.md' },
          },
          { kind: 'unchanged', article: parsed('z.md', null, 'Zeta'), articleId: b },
        ]);
        assert.equal(second.unchanged, 1);
        assert.deepEqual(
          second.changes.map((c) => [c.kind, c.path, c.previousPath]),
          [
            ['updated', 'a.md', null],
            ['moved', 'c.md', 'b.md'],
          ],
        );
        const s3 = await scope(store, classic, '2024-02-02T04:00:00.000Z');
        const attached = await recordDecisions(store.db, s3, [
          {
            kind: 'attach',
            article: parsed('txt/Q100.TXT', 100, 'Alpha (classic)'),
            hashes: hashes(4),
            articleId: a,
            keepAs: '2.0',
          },
          {
            kind: 'attach',
            article: parsed('txt/Q100b.TXT', 100, 'Alpha again'),
            hashes: hashes(4),
            articleId: a,
            keepAs: null,
          },
        ]);
        assert.deepEqual(attached, { unchanged: 2, changes: [] });
        const row = await store.db
          .selectFrom('articles')
          .selectAll()
          .where('id', '=', a)
          .executeTakeFirstOrThrow();
        assert.deepEqual(
          [row.title, row.revision, row.revision_count, row.content_hash, row.last_changed],
          ['Alpha v2', '2.0', 2, 'c3', s2.now],
        );
        const revisions = await store.db
          .selectFrom('revisions')
          .select(['article_id', 'source_id', 'number', 'path', 'title'])
          .orderBy('id')
          .execute();
        assert.deepEqual(revisions.slice(2), [
          { article_id: a, source_id: git, number: '2.0', path: 'a.md', title: 'Alpha v2' },
          {
            article_id: a,
            source_id: classic,
            number: '2.0',
            path: 'txt/Q100.TXT',
            title: 'Alpha (classic)',
          },
        ]);
        const [updated, moved] = await changes(store, s2.scanId);
        assert.deepEqual(JSON.parse(updated.summary ?? 'null'), SUMMARY);
        assert.equal(updated.minor, 1);
        assert.equal(
          updated.revision_id,
          (
            await store.db
              .selectFrom('revisions')
              .select('id')
              .where('number', '=', '2.0')
              .orderBy('id')
              .executeTakeFirstOrThrow()
          ).id,
        );
        assert.deepEqual([moved.previous_path, moved.revision_id], ['b.md', null]);
        assert.deepEqual(await paths(store), [
          { source_id: git, path: 'a.md', article_id: a, current: 1 },
          { source_id: git, path: 'b.md', article_id: b, current: 0 },
          { source_id: git, path: 'c.md', article_id: b, current: 1 },
          { source_id: classic, path: 'txt/Q100.TXT', article_id: a, current: 1 },
          { source_id: classic, path: 'txt/Q100b.TXT', article_id: a, current: 1 },
        ]);

        // Scan 3: a.md is gone (removed); b.md was already an old path (left).
        const s4 = await scope(store, git, '2024-02-03T03:00:00.000Z');
        const gone = await recordDecisions(store.db, s4, [
          { kind: 'removed', articleId: a, path: 'a.md', kb: 100, title: 'Alpha v2' },
          { kind: 'left', articleId: b, path: 'b.md' },
        ]);
        assert.deepEqual(gone, {
          unchanged: 0,
          changes: [
            { kind: 'removed', path: 'a.md', previousPath: null, kb: 100, title: 'Alpha v2', articleId: a },
          ],
        });
        const retired = await store.db
          .selectFrom('articles')
          .select(['id', 'retired', 'last_changed'])
          .orderBy('id')
          .execute();
        assert.deepEqual(retired, [
          { id: a, retired: 1, last_changed: s4.now },
          { id: b, retired: 0, last_changed: s2.now },
        ]);
        assert.deepEqual(
          (await changes(store, s4.scanId)).map((c) => [c.kind, c.revision_id]),
          [['removed', null]],
        );
        assert.equal((await paths(store)).find((p) => p.path === 'a.md')?.current, 0);

        // Scan 4: back after removal, alerted as new.
        const s5 = await scope(store, git, '2024-02-04T03:00:00.000Z');
        const back = await recordDecisions(store.db, s5, [
          {
            kind: 'new',
            origin: 'returned',
            article: parsed('a.md', 100, 'Alpha v3'),
            hashes: hashes(5),
            articleId: a,
            revision: '3.0',
            revisionCount: 3,
            previousPath: null,
          },
        ]);
        assert.deepEqual(
          back.changes.map((c) => [c.kind, c.articleId]),
          [['new', a]],
        );
        const revived = await store.db
          .selectFrom('articles')
          .selectAll()
          .where('id', '=', a)
          .executeTakeFirstOrThrow();
        assert.deepEqual([revived.retired, revived.revision, revived.title], [0, '3.0', 'Alpha v3']);
        assert.equal((await paths(store)).find((p) => p.path === 'a.md')?.current, 1);
        const ftsAfter = await store.db.selectFrom('article_fts').select('title').orderBy('title').execute();
        assert.deepEqual(
          ftsAfter.map((r) => r.title),
          ['Alpha v3', 'Beta'],
          'the search row is replaced, not added',
        );
      } finally {
        await store.close();
      }
    });

    it('writes nothing for an empty batch or only unchanged files', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const git = await insertSource(store.db, 'docs');
        const s = await scope(store, git, '2024-02-01T03:00:00.000Z');
        const none: Decision[] = [];
        assert.deepEqual(await recordDecisions(store.db, s, none), { unchanged: 0, changes: [] });
        const unchanged: Decision[] = [
          { kind: 'unchanged', article: parsed('a.md', 1, 'Alpha'), articleId: 1 },
        ];
        assert.deepEqual(await recordDecisions(store.db, s, unchanged), { unchanged: 1, changes: [] });
        const written = await store.db
          .selectFrom('revisions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(written.n), 0);
        const n = await store.db
          .selectFrom('changes')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow();
        assert.equal(Number(n.n), 0);
      } finally {
        await store.close();
      }
    });
  });
}
