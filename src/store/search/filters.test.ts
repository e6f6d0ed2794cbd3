import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { insertArticle, insertSource, insertTechnology } from '../../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../../test/stores.ts';
import { parse, type DateNode, type FieldNode } from '../../query/index.ts';
import type { Store } from '../db.ts';
import type { Sql } from './dialect.ts';
import { datePredicate, fieldPredicate, isKnownTechnology, knownTechnologies } from './filters.ts';

const field = (text: string) => parse(text) as FieldNode;
/** A node the parser would not build from text (a bare % or _), as any caller could pass. */
const raw = (f: FieldNode['field'], text: string): FieldNode => ({
  kind: 'field',
  field: f,
  text,
  quoted: true,
});
const date = (text: string) => parse(text) as DateNode;

for (const dialect of DIALECTS) {
  describe(`store: search filters (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let store: Store;
    const tech: Record<string, number> = {};
    const ids: Record<string, number> = {};
    /** Names of the articles matching a predicate (and of those not matching it: never NULL). */
    const where = async (predicate: Sql) => {
      const run = async (p: Sql) => {
        const { rows } = await sql<{ id: number }>`SELECT a.id FROM articles a WHERE ${p}`.execute(store.db);
        return rows.map((r) => Object.keys(ids).find((k) => ids[k] === r.id)).sort();
      };
      const yes = await run(predicate);
      const no = await run(sql`NOT (${predicate})`);
      assert.equal(yes.length + no.length, Object.keys(ids).length, 'true or false for every article');
      return yes;
    };

    before(async () => {
      store = await createStore(dialect);
      const classic = await insertSource(store.db, 'Classic-KB');
      const docs = await insertSource(store.db, 'support-docs');
      tech.server = await insertTechnology(store.db, {
        slug: 'windows-server-2019',
        name: 'Windows Server 2019',
        aliases: ['ws2019'],
      });
      tech.winsock = await insertTechnology(store.db, {
        slug: 'kbwinsock',
        name: 'kbWinsock',
        kind: 'keyword',
      });
      tech.networking = await insertTechnology(store.db, {
        slug: 'networking',
        name: 'Networking',
        kind: 'area',
      });
      ids.winsock = await insertArticle(store.db, {
        sourceId: classic,
        kb: 307175,
        title: 'Winsock',
        products: ['Windows Server 2019'],
        keywords: ['kbWinsock'],
        technologies: [tech.server, tech.winsock, tech.networking],
        lastChanged: '2022-12-05T10:00:00.000Z',
        lastReviewed: '2021-03-01',
      });
      ids.exchange = await insertArticle(store.db, {
        sourceId: docs,
        title: 'Exchange',
        products: ['Exchange 100% Online'],
        lastChanged: '2023-01-10T12:00:00.000Z',
      });
      ids.widget = await insertArticle(store.db, {
        sourceId: docs,
        kb: 42,
        title: 'Widget',
        products: ['Contoso_Widget'],
        areas: ['Networking stuff'],
        lastChanged: '2023-01-11T00:00:00.000Z',
        lastReviewed: '2023-06-30',
      });
    });
    after(() => store?.close());

    it('looks up the technologies that product:, keyword: and tech: values name, by slug or alias', async () => {
      assert.equal((await knownTechnologies(store.db, [])).size, 0);
      const known = await knownTechnologies(store.db, [
        parse('product:WS2019 (keyword:ws2019 OR tech:networking) -tech:windows-server-2019'),
        parse('tech:unknown kb:42 source:support-docs updated:>2020-01-01 title:x product:ws2019'),
      ]);
      assert.deepEqual(
        known,
        new Map([
          ['product:ws2019', [tech.server]],
          ['keyword:ws2019', []],
          ['tech:networking', [tech.networking]],
          ['tech:windows-server-2019', [tech.server]],
          ['tech:unknown', []],
        ]),
        'by field and lowercased value; other fields are not looked up',
      );
      assert.equal(isKnownTechnology(field('product:ws2019'), known), true);
      assert.equal(isKnownTechnology(field('product:Ws2019'), known), true);
      assert.equal(isKnownTechnology(field('keyword:ws2019'), known), false, 'the kind must fit the field');
      assert.equal(isKnownTechnology(field('tech:unknown'), known), false);
      assert.equal(isKnownTechnology(field('tech:kbwinsock'), known), false, 'not looked up');
      assert.equal(isKnownTechnology(field('kb:42'), new Map([['kb:42', [1]]])), false);
    });

    it('filters by kb: and source:, and refuses title:', async () => {
      assert.deepEqual(await where(fieldPredicate(field('kb:307175'), new Map())), ['winsock']);
      assert.deepEqual(await where(fieldPredicate(field('kb:1'), new Map())), []);
      assert.deepEqual(await where(fieldPredicate(field('source:classic-kb'), new Map())), ['winsock']);
      assert.deepEqual(await where(fieldPredicate(field('source:SUPPORT-DOCS'), new Map())), [
        'exchange',
        'widget',
      ]);
      assert.throws(() => fieldPredicate(field('title:socket'), new Map()), /title: is full text/);
    });

    it('filters by technology, with or without the ids looked up first', async () => {
      for (const text of [
        'product:ws2019',
        'product:"Windows Server 2019"',
        'keyword:kbwinsock',
        'tech:networking',
      ]) {
        const f = field(text);
        const known = await knownTechnologies(store.db, [f]);
        assert.deepEqual(await where(fieldPredicate(f, known)), ['winsock'], `${text} known`);
        assert.deepEqual(await where(fieldPredicate(f, new Map())), ['winsock'], `${text} looked up in SQL`);
      }
    });

    it('falls back to the article’s own lists for values that name no technology, % and _ as plain characters', async () => {
      const cases: [FieldNode, string[]][] = [
        [field('product:"exchange 100%"'), ['exchange']],
        [raw('product', '%'), ['exchange']],
        [raw('product', '_'), ['widget']],
        [raw('tech', '!'), []],
        [field('product:kbwinsock'), []],
        [field('tech:stuff'), ['widget']],
        [field('keyword:contoso'), []],
        [field('tech:contoso'), ['widget']],
      ];
      for (const [f, expected] of cases) {
        const text = `${f.field}:${f.text}`;
        const known = await knownTechnologies(store.db, [f]);
        assert.deepEqual(await where(fieldPredicate(f, known)), expected, `${text} known`);
        assert.deepEqual(await where(fieldPredicate(f, new Map())), expected, `${text} looked up in SQL`);
      }
    });

    it('filters by dates, a bare date meaning that day; articles without the date never match', async () => {
      assert.deepEqual(await where(datePredicate(date('updated:2022-12-05'))), ['winsock']);
      assert.deepEqual(await where(datePredicate(date('updated:>=2023-01-10'))), ['exchange', 'widget']);
      assert.deepEqual(await where(datePredicate(date('updated:>2023-01-10'))), ['widget']);
      assert.deepEqual(await where(datePredicate(date('updated:<2023-01-10'))), ['winsock']);
      assert.deepEqual(await where(datePredicate(date('updated:<=2023-01-10'))), ['exchange', 'winsock']);
      assert.deepEqual(await where(datePredicate(date('reviewed:>=2000-01-01'))), ['widget', 'winsock']);
      assert.deepEqual(await where(datePredicate(date('reviewed:<2023-06-30'))), ['winsock']);
      assert.deepEqual(await where(datePredicate(date('reviewed:2023-06-30'))), ['widget']);
    });
  });
}
