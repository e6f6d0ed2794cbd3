import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertArticle, insertSource } from '../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import type { TechnologyRef } from '../model/technology.ts';
import type { Store } from './db.ts';
import {
  ensureTechnologies,
  findTechnology,
  refreshTechnologyCounts,
  setArticleTechnologies,
} from './technologies.ts';

const SERVER: TechnologyRef = { slug: 'windows-server-2019', name: 'Windows Server 2019', kind: 'product' };
const WINSOCK: TechnologyRef = { slug: 'kbwinsock', name: 'kbWinsock', kind: 'keyword' };

async function aliases(store: Store): Promise<Record<string, string[]>> {
  const rows = await store.db
    .selectFrom('technology_aliases as ta')
    .innerJoin('technologies as t', 't.id', 'ta.technology_id')
    .select(['t.slug', 'ta.alias'])
    .orderBy('ta.alias')
    .execute();
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.slug] ??= []).push(r.alias);
  return out;
}

async function links(store: Store, articleId: number): Promise<number[]> {
  const rows = await store.db
    .selectFrom('article_technologies')
    .select('technology_id')
    .where('article_id', '=', articleId)
    .orderBy('technology_id')
    .execute();
  return rows.map((r) => r.technology_id);
}

const many = (n: number): TechnologyRef[] =>
  Array.from({ length: n }, (_, i) => ({ slug: `tech-${i}`, name: `Tech ${i}`, kind: 'area' as const }));

for (const dialect of DIALECTS) {
  describe(`store: technologies (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it(
      'creates technologies once, with their name and slug as aliases, and returns their ids',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          assert.equal((await ensureTechnologies(store.db, [])).size, 0);
          const ids = await ensureTechnologies(store.db, [
            SERVER,
            WINSOCK,
            { slug: 'kbwinsock', name: 'KBWINSOCK', kind: 'area' },
          ]);
          assert.deepEqual([...ids.keys()].sort(), ['kbwinsock', 'windows-server-2019']);
          const rows = await store.db.selectFrom('technologies').selectAll().orderBy('id').execute();
          assert.deepEqual(rows, [
            {
              id: ids.get(SERVER.slug),
              slug: SERVER.slug,
              name: SERVER.name,
              kind: 'product',
              article_count: 0,
            },
            {
              id: ids.get('kbwinsock'),
              slug: 'kbwinsock',
              name: 'kbWinsock',
              kind: 'keyword',
              article_count: 0,
            },
          ]);
          assert.deepEqual(await aliases(store), {
            'windows-server-2019': ['windows server 2019', 'windows-server-2019'],
            kbwinsock: ['kbwinsock'],
          });

          // Again: the same ids, nothing renamed, only the new one added.
          const again = await ensureTechnologies(store.db, [
            { ...WINSOCK, name: 'Renamed' },
            { slug: 'exchange', name: 'Exchange', kind: 'product' },
          ]);
          assert.equal(again.get('kbwinsock'), ids.get('kbwinsock'));
          assert.equal(again.size, 2);
          assert.equal((await findTechnology(store.db, 'kbwinsock'))?.name, 'kbWinsock');
          assert.equal(
            (await store.db.selectFrom('technologies').select('id').execute()).length,
            3,
            'no duplicates',
          );
        } finally {
          await store.close();
        }
      },
    );

    it('keeps an alias with the technology that took it first', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const first = await ensureTechnologies(store.db, [
          { slug: 'sql', name: 'SQL Server', kind: 'product' },
        ]);
        const second = await ensureTechnologies(store.db, [
          { slug: 'sql-server', name: 'sql   server', kind: 'product' },
        ]);
        assert.notEqual(second.get('sql-server'), undefined);
        assert.equal((await findTechnology(store.db, 'SQL Server'))?.id, first.get('sql'));
        assert.equal((await findTechnology(store.db, 'sql-server'))?.id, first.get('sql'));
        assert.deepEqual((await aliases(store))['sql-server'], undefined, 'both of its aliases were taken');
      } finally {
        await store.close();
      }
    });

    it('creates many technologies in batches', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const ids = await ensureTechnologies(store.db, many(650));
        assert.equal(ids.size, 650);
        assert.equal(new Set(ids.values()).size, 650);
        assert.equal((await findTechnology(store.db, 'Tech 649'))?.id, ids.get('tech-649'));
        const again = await ensureTechnologies(store.db, many(650));
        assert.deepEqual(again, ids);
      } finally {
        await store.close();
      }
    });

    it(
      'links articles to technologies, adding or replacing, and counts live articles',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          const sourceId = await insertSource(store.db, 'docs');
          const a = await insertArticle(store.db, { sourceId, title: 'A' });
          const b = await insertArticle(store.db, { sourceId, title: 'B' });
          const ids = await ensureTechnologies(store.db, [SERVER, WINSOCK, ...many(600)]);
          const [t1, t2] = [ids.get(SERVER.slug)!, ids.get(WINSOCK.slug)!];
          const bulk = many(600).map((r) => ids.get(r.slug)!);

          await setArticleTechnologies(store.db, new Map(), true);
          await setArticleTechnologies(
            store.db,
            new Map([
              [a, [t1, t2, t1]],
              [b, bulk],
            ]),
            false,
          );
          assert.deepEqual(
            await links(store, a),
            [t1, t2].sort((x, y) => x - y),
          );
          assert.equal((await links(store, b)).length, 600, 'more links than one batch');
          await setArticleTechnologies(store.db, new Map([[a, [t1]]]), false);
          assert.equal((await links(store, a)).length, 2, 'an existing link is kept once');
          await setArticleTechnologies(store.db, new Map([[b, [t2]]]), true);
          assert.deepEqual(await links(store, b), [t2]);
          assert.equal((await links(store, a)).length, 2, 'other articles keep theirs');

          await store.db
            .updateTable('technologies')
            .set({ article_count: 7 })
            .where('id', '=', bulk[0])
            .execute();
          await store.db.updateTable('articles').set({ retired: 1 }).where('id', '=', a).execute();
          await refreshTechnologyCounts(store.db);
          const count = async (id: number) =>
            (
              await store.db
                .selectFrom('technologies')
                .select('article_count')
                .where('id', '=', id)
                .executeTakeFirstOrThrow()
            ).article_count;
          assert.equal(await count(t1), 0, 'a retired article is not counted');
          assert.equal(await count(t2), 1);
          assert.equal(await count(bulk[0]), 0, 'a stale count is reset');
          await store.db.updateTable('articles').set({ retired: 0 }).where('id', '=', a).execute();
          await refreshTechnologyCounts(store.db);
          assert.equal(await count(t1), 1);
          assert.equal(await count(t2), 2);

          await setArticleTechnologies(store.db, new Map([[a, []]]), true);
          assert.deepEqual(await links(store, a), [], 'replacing with none removes every link');
        } finally {
          await store.close();
        }
      },
    );

    it('finds a technology by slug, name or alias, in any case and spacing', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const ids = await ensureTechnologies(store.db, [
          SERVER,
          WINSOCK,
          { slug: 'windows-client', name: 'Windows-Client', kind: 'product' },
        ]);
        for (const given of ['windows-server-2019', 'Windows Server 2019', '  WINDOWS   server\t2019 '])
          assert.equal((await findTechnology(store.db, given))?.id, ids.get(SERVER.slug), given);
        const found = await findTechnology(store.db, 'KBWinsock');
        assert.equal(found?.slug, 'kbwinsock');
        assert.equal(found?.kind, 'keyword');
        assert.equal(found?.name, 'kbWinsock');
        assert.equal(
          (await findTechnology(store.db, 'Windows Client'))?.id,
          ids.get('windows-client'),
          'spaces may stand for hyphens',
        );
        assert.equal(await findTechnology(store.db, 'windows'), undefined);
        assert.equal(await findTechnology(store.db, ''), undefined);
      } finally {
        await store.close();
      }
    });
  });
}
