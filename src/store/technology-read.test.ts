import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { insertTechnology } from '../../test/factories.ts';
import { seedKb, type SeededKb } from '../../test/web-fixtures.ts';
import type { Store } from './db.ts';
import {
  aliasesOfTechnology,
  findTechnologies,
  findTechnologyByAlias,
  findTechnologyBySlug,
  listTechnologies,
  resolveTechnology,
  technologyChoices,
  technologyKindCounts,
  technologyLabels,
  technologyNames,
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

    it('lists technologies by part of the name and by kind, most articles first, with the total', async () => {
      const all = await listTechnologies(store.db, {});
      assert.equal(all.total, 4);
      assert.deepEqual(
        all.technologies.map((t) => [t.slug, t.article_count]),
        [
          ['windows-server-2019', 2],
          ['exchange-online', 1],
          ['kbwinsock', 1],
          ['sql-server', 0],
        ],
      );
      const server = await listTechnologies(store.db, { name: 'SERVER' });
      assert.equal(server.total, 2);
      assert.deepEqual(
        server.technologies.map((t) => t.slug),
        ['windows-server-2019', 'sql-server'],
      );
      assert.deepEqual(
        (await listTechnologies(store.db, { name: '100%' })).technologies.map((t) => t.slug),
        ['sql-server'],
        'a % in the name is a plain character',
      );
      assert.equal((await listTechnologies(store.db, { name: '_' })).total, 0);
      assert.equal((await listTechnologies(store.db, { name: 'mssql' })).total, 0, 'names only, not aliases');
      const products = await listTechnologies(store.db, { kind: 'product', limit: 1, offset: 1 });
      assert.equal(products.total, 3, 'the total ignores the page');
      assert.deepEqual(
        products.technologies.map((t) => t.slug),
        ['exchange-online'],
      );
      assert.deepEqual(await listTechnologies(store.db, { kind: 'area' }), { total: 0, technologies: [] });
    });

    it('counts technologies of each kind', async () => {
      assert.deepEqual(
        await technologyKindCounts(store.db),
        new Map([
          ['product', 3],
          ['keyword', 1],
        ]),
      );
    });

    it('finds a technology by its exact slug, or by an alias in any case', async () => {
      assert.equal((await findTechnologyBySlug(store.db, 'kbwinsock'))?.id, kb.tech.winsock);
      assert.equal(await findTechnologyBySlug(store.db, 'KBWINSOCK'), undefined);
      assert.equal(await findTechnologyBySlug(store.db, 'windows server 2019'), undefined);
      const bySlugAlias = await findTechnologyByAlias(store.db, ' MSSQL ');
      assert.equal(bySlugAlias?.slug, 'sql-server');
      assert.equal(bySlugAlias?.name, 'SQL Server 100%');
      assert.equal((await findTechnologyByAlias(store.db, 'Windows Server 2019'))?.id, kb.tech.server);
      assert.equal(await findTechnologyByAlias(store.db, 'windows'), undefined);
    });

    it('lists the aliases of a technology in order', async () => {
      const id = await insertTechnology(store.db, {
        slug: 'gamma',
        name: 'Gamma',
        kind: 'area',
        aliases: ['delta', 'alpha', 'beta'],
      });
      try {
        assert.deepEqual(await aliasesOfTechnology(store.db, id), ['alpha', 'beta', 'delta', 'gamma']);
        const sql = (await findTechnologyBySlug(store.db, 'sql-server'))!;
        assert.deepEqual((await aliasesOfTechnology(store.db, sql.id)).sort(), [
          'mssql',
          'sql server 100%',
          'sql-server',
        ]);
        assert.deepEqual(await aliasesOfTechnology(store.db, 987654), []);
      } finally {
        await store.db.deleteFrom('technology_aliases').where('technology_id', '=', id).execute();
        await store.db.deleteFrom('technologies').where('id', '=', id).execute();
      }
    });

    it('names technologies by slug, once each, leaving out unknown slugs', async () => {
      assert.deepEqual(
        await technologyNames(store.db, ['kbwinsock', 'exchange-online', 'kbwinsock', 'missing']),
        new Map([
          ['kbwinsock', 'kbWinsock'],
          ['exchange-online', 'Exchange Online'],
        ]),
      );
      assert.equal((await technologyNames(store.db, [])).size, 0);
    });

    it('offers the technologies with most articles first as choices', async () => {
      assert.deepEqual(await technologyChoices(store.db, 2), [
        { slug: 'windows-server-2019', name: 'Windows Server 2019' },
        { slug: 'exchange-online', name: 'Exchange Online' },
      ]);
    });
  });
}
