import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertArticle, insertSource, insertTechnology } from '../../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../../test/stores.ts';
import { parse } from '../../query/index.ts';
import type { Store } from '../db.ts';
import type { SearchDialect } from './dialect.ts';
import { facets, page, pageSnippets, pageTechnologies } from './page.ts';
import { compile } from './plan.ts';
import { postgresTsquery } from './postgres-tsquery.ts';
import { sqliteFts5 } from './sqlite-fts5.ts';
import type { SearchOptions } from './types.ts';

const LONG = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');

for (const dialect of DIALECTS) {
  describe(`store: search pager (${dialect})`, { skip: await skipReason(dialect) }, () => {
    const d: SearchDialect = dialect === 'sqlite' ? sqliteFts5 : postgresTsquery;
    let store: Store;
    const ids: Record<string, number> = {};
    const name = (id: number) => Object.keys(ids).find((k) => ids[k] === id);
    const plan = (query: string, opts: SearchOptions = {}) => compile(parse(query), d, opts, new Map());
    const pageOf = async (query: string, opts: SearchOptions = {}, limit = 10, offset = 0) => {
      const found = await page(store.db, plan(query, opts), opts, { limit, offset });
      return { total: found.total, names: found.rows.map((r) => name(r.id)) };
    };

    before(async () => {
      store = await createStore(dialect);
      const sourceId = await insertSource(store.db, 'docs');
      const tech = {
        alpha: await insertTechnology(store.db, { slug: 'alpha', name: 'Alpha' }),
        beta: await insertTechnology(store.db, { slug: 'beta', name: 'Beta' }),
        gamma: await insertTechnology(store.db, { slug: 'gamma', name: 'Gamma' }),
      };
      const extra: number[] = [];
      for (let i = 0; i < 22; i++)
        extra.push(
          await insertTechnology(store.db, { slug: `tech-${i}`, name: `Tech ${String(i).padStart(2, '0')}` }),
        );
      const add = (title: string, lastChanged: string, more: object = {}) =>
        insertArticle(store.db, { sourceId, title, lastChanged, ...more });
      // Same text, so the same score: the date and then the id decide.
      ids.z1 = await add('Zebra crossing', '2022-01-01T00:00:00.000Z', {
        body: 'Zebra stripes.',
        description: 'About zebras.',
        technologies: [tech.alpha, tech.gamma],
      });
      ids.z2 = await add('Zebra crossing', '2023-01-01T00:00:00.000Z', {
        body: 'Zebra stripes.',
        description: 'About zebras.',
        technologies: [tech.alpha],
      });
      ids.z3 = await add('Zebra crossing', '2023-01-01T00:00:00.000Z', {
        body: 'Zebra stripes.',
        description: 'About zebras.',
        technologies: [tech.beta],
        kb: 307175,
      });
      ids.body = await add('Stripes', '2024-01-01T00:00:00.000Z', {
        body: 'Somewhere a zebra walks.',
        technologies: [tech.alpha, ...extra],
      });
      ids.other = await add('Other', '2021-01-01T00:00:00.000Z', { description: '', body: LONG });
    });
    after(() => store?.close());

    it('returns one page of ranked matches, best first, and the total', async () => {
      assert.deepEqual(await pageOf('zebra'), { total: 4, names: ['z3', 'z2', 'z1', 'body'] });
      assert.deepEqual(await pageOf('zebra', {}, 2, 1), { total: 4, names: ['z2', 'z1'] });
      assert.deepEqual(await pageOf('zebra', {}, 10, 10), { total: 4, names: [] }, 'past the end');
      assert.deepEqual(await pageOf('zebra', {}, 0, 0), { total: 4, names: [] });
      assert.deepEqual(await pageOf('unicorn'), { total: 0, names: [] });
      const found = await page(store.db, plan('crossing'), {}, { limit: 1, offset: 0 });
      const z3 = await store.db
        .selectFrom('articles')
        .selectAll()
        .where('id', '=', ids.z3)
        .executeTakeFirstOrThrow();
      assert.equal(found.rows.length, 1);
      const [row] = found.rows;
      assert.deepEqual(
        { id: row.id, kb: row.kb, title: row.title, path: row.path, url: row.url },
        { id: z3.id, kb: 307175, title: z3.title, path: z3.path, url: z3.url },
      );
      assert.equal(row.last_changed, z3.last_changed);
      assert.equal(Number(row.retired), 0);
      assert.equal(found.total, 3);
    });

    it('sorts by date, newest first and then by id', async () => {
      assert.deepEqual(await pageOf('zebra', { sort: 'date' }), {
        total: 4,
        names: ['body', 'z3', 'z2', 'z1'],
      });
      assert.deepEqual(await pageOf('zebra', { sort: 'date' }, 1, 1), { total: 4, names: ['z3'] });
    });

    it('pages a query without ranked words by date', async () => {
      assert.deepEqual(await pageOf('-unicorn'), { total: 5, names: ['body', 'z3', 'z2', 'z1', 'other'] });
      assert.deepEqual(await pageOf('-zebra', { sort: 'date' }), { total: 1, names: ['other'] });
      assert.deepEqual(await pageOf('-unicorn', {}, 2, 3), { total: 5, names: ['z1', 'other'] });
      assert.deepEqual(await pageOf('-unicorn', {}, 2, 5), { total: 5, names: [] });
    });

    it('counts results per technology over every result, the 20 largest', async () => {
      const ranked = await facets(store.db, plan('zebra'));
      assert.equal(ranked.length, 20);
      assert.deepEqual(ranked.slice(0, 4), [
        { slug: 'alpha', name: 'Alpha', count: 3 },
        { slug: 'beta', name: 'Beta', count: 1 },
        { slug: 'gamma', name: 'Gamma', count: 1 },
        { slug: 'tech-0', name: 'Tech 00', count: 1 },
      ]);
      assert.equal(ranked[19].name, 'Tech 16', 'ties by name');
      assert.deepEqual(await facets(store.db, plan('crossing')), [
        { slug: 'alpha', name: 'Alpha', count: 2 },
        { slug: 'beta', name: 'Beta', count: 1 },
        { slug: 'gamma', name: 'Gamma', count: 1 },
      ]);
      assert.deepEqual(await facets(store.db, plan('-stripes')), [], 'an unranked plan');
      assert.deepEqual(await facets(store.db, plan('unicorn')), []);
    });

    it('shows a snippet with the hits marked, or the start of the description, else of the body', async () => {
      assert.equal((await pageSnippets(store.db, d, [], parse('zebra'))).size, 0);
      const hits = await pageSnippets(store.db, d, [ids.z1, ids.body], parse('zebra'));
      assert.match(hits.get(ids.z1)!, /<mark>Zebra<\/mark> stripes/);
      assert.match(hits.get(ids.body)!, /Somewhere a <mark>zebra<\/mark> walks/);
      const leads = await pageSnippets(store.db, d, [ids.z1, ids.other], null);
      assert.equal(leads.get(ids.z1), 'About zebras.');
      const words = LONG.split(' ');
      assert.equal(leads.get(ids.other), `${words.slice(0, 30).join(' ')} …`);
    });

    it('lists the technology slugs of the page’s articles, alphabetically', async () => {
      assert.equal((await pageTechnologies(store.db, d, [])).size, 0);
      const slugs = await pageTechnologies(store.db, d, [ids.z1, ids.z3, ids.other]);
      assert.deepEqual(
        slugs,
        new Map([
          [ids.z1, ['alpha', 'gamma']],
          [ids.z3, ['beta']],
        ]),
      );
      assert.equal((await pageTechnologies(store.db, d, [ids.body])).get(ids.body)?.length, 23);
    });
  });
}
