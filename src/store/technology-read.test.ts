import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { insertTechnology } from '../../test/factories.ts';
import { seedKb, type SeededKb } from '../../test/web-fixtures.ts';
import type { Store } from './db.ts';
import {
  findTechnologies,
  resolveTechnology,
  technologyChoices,
  technologyLabels,
} from './technology-read.ts';

for (const dialect of DIALECTS) {
  describe(`store: reading technologies (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let store: Store;
    let kb: SeededKb;
    before(async () => {
      store = await createStore(dialect);
      kb = await seedKb(store.db);
      await insertTechnology(store.db, {
        slug: 'sql-server',
        name: 'SQL Server 100%',
        kind: 'product',
        aliases: ['mssql'],
      });
    });
    after(() => store?.close());

    it('resolves a technology by slug, name or alias in any case, and nothing for blanks', async () => {
      for (const given of ['kbwinsock', ' KBWinsock ', 'kbWinsock'])
        assert.equal((await resolveTechnology(store.db, given))?.id, kb.tech.winsock, given);
      assert.equal((await resolveTechnology(store.db, 'Windows Server 2019'))?.id, kb.tech.server);
      assert.equal((await resolveTechnology(store.db, 'MSSQL'))?.slug, 'sql-server');
      assert.equal(await resolveTechnology(store.db, 'no such thing'), undefined);
      assert.equal(await resolveTechnology(store.db, '   '), undefined);
    });

    it('labels articles with their technologies, by kind then name', async () => {
      const labels = await technologyLabels(store.db, [
        kb.articles.winsock,
        kb.articles.exchange,
        kb.articles.winsock,
      ]);
      assert.deepEqual(labels.get(kb.articles.winsock), [
        { slug: 'kbwinsock', name: 'kbWinsock' },
        { slug: 'windows-server-2019', name: 'Windows Server 2019' },
      ]);
      assert.deepEqual(labels.get(kb.articles.exchange), [
        { slug: 'exchange-online', name: 'Exchange Online' },
      ]);
      assert.equal((await technologyLabels(store.db, [])).size, 0);
    });

    it('finds technologies by part of a name or an alias, by kind, most articles first, with the total', async () => {
      const windows = await findTechnologies(store.db, { text: 'WINDOWS', limit: 10, offset: 0 });
      assert.deepEqual(
        windows.technologies.map((t) => t.slug),
        ['windows-server-2019'],
      );
      const byAlias = await findTechnologies(store.db, { text: 'mss', limit: 10, offset: 0 });
      assert.deepEqual(
        byAlias.technologies.map((t) => t.slug),
        ['sql-server'],
      );
      const literal = await findTechnologies(store.db, { text: '100%', limit: 10, offset: 0 });
      assert.deepEqual(
        literal.technologies.map((t) => t.slug),
        ['sql-server'],
        'a % in the text is a plain character',
      );
      assert.equal((await findTechnologies(store.db, { text: '_', limit: 10, offset: 0 })).total, 0);
      const products = await findTechnologies(store.db, { kind: 'product', limit: 1, offset: 1 });
      assert.equal(products.total, 3);
      assert.deepEqual(
        products.technologies.map((t) => t.slug),
        ['exchange-online'],
      );
    });

    it('offers the technologies with most articles first as choices', async () => {
      assert.deepEqual(await technologyChoices(store.db, 2), [
        { slug: 'windows-server-2019', name: 'Windows Server 2019' },
        { slug: 'exchange-online', name: 'Exchange Online' },
      ]);
    });
  });
}
