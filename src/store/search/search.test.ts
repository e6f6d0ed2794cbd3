import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { rawFtsQuery } from '../../../bench/raw-fts.ts';
import {
  insertArticle,
  insertSource,
  insertTechnology,
  searchIndexUpsert,
  type ArticleInput,
} from '../../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../../test/stores.ts';
import { matches, parse, QueryError, type MatchDocument } from '../../query/index.ts';
import type { Store } from '../db.ts';
import { search } from './index.ts';

type Fixture = Omit<ArticleInput, 'sourceId' | 'technologies'> & {
  source: 'docs' | 'classic';
  tech?: string[];
};

const TECHNOLOGIES = [
  { slug: 'windows-server-2019', name: 'Windows Server 2019', kind: 'product' as const, aliases: ['ws2019'] },
  { slug: 'exchange-online', name: 'Exchange Online', kind: 'product' as const },
  { slug: 'kbwinsock', name: 'kbWinsock', kind: 'keyword' as const },
  { slug: 'networking', name: 'Networking', kind: 'area' as const },
];

const ARTICLES: Record<string, Fixture> = {
  exclusive: {
    source: 'classic',
    kb: 307175,
    title: 'Use SO_EXCLUSIVEADDRUSE to bind a socket exclusively',
    description: 'A second server cannot share the listening port.',
    body: 'When two applications bind the same port, the second call should fail. Winsock offers an exclusive option.',
    products: ['Windows Server 2019'],
    keywords: ['kbnetwork', 'kbWinsock'],
    tech: ['windows-server-2019', 'kbwinsock', 'networking'],
    lastChanged: '2022-12-05T10:00:00.000Z',
    lastReviewed: '2021-03-01',
  },
  migration: {
    source: 'docs',
    kb: 4494444,
    title: 'Exchange Online mailbox migration fails',
    description: 'Moving a mailbox stops with an error.',
    body: 'The migration batch stops when the mailbox is too large.',
    products: ['Exchange Online'],
    tech: ['exchange-online'],
    lastChanged: '2022-11-20T09:00:00.000Z',
    lastReviewed: '2022-01-10',
  },
  network: {
    source: 'docs',
    title: 'Troubleshoot network connectivity',
    description: 'Steps for connection problems.',
    body: 'A socket error appears. The socket cannot connect and the socket times out with 0x80070005.',
    tech: ['networking'],
    lastChanged: '2023-01-10T12:00:00.000Z',
  },
  update: {
    source: 'docs',
    title: 'Windows 10 update error 0x80070005',
    description: 'Updates fail with access denied.',
    body: 'Running Windows-10 updates as a standard user fails.',
    products: ['Windows 10'],
    lastChanged: '2023-02-01T00:00:00.000Z',
  },
  hostile: {
    source: 'docs',
    title: 'Script content in pages',
    description: 'Pages quote markup.',
    body: 'Some pages show <script>alert("x")</script> next to the hostile words & more.',
    lastChanged: '2022-06-01T00:00:00.000Z',
  },
  permissions: {
    source: 'docs',
    title: 'Configure mailbox permissions',
    description: 'Give a delegate access.',
    body: 'Use the admin center to grant full access.',
    products: ['Exchange Server 2016'],
    lastChanged: '2021-05-05T00:00:00.000Z',
  },
  retired: {
    source: 'docs',
    title: 'Old socket article',
    description: 'Retired.',
    body: 'Nothing here.',
    retired: true,
    lastChanged: '2020-01-01T00:00:00.000Z',
  },
};

/** Removes an article from the search index. */
async function searchIndexDelete(store: Store, articleId: number): Promise<void> {
  const column = store.dialect === 'sqlite' ? sql`rowid` : sql`article_id`;
  await sql`DELETE FROM article_fts WHERE ${column} = ${articleId}`.execute(store.db);
}

const META_QUERIES = [
  '"',
  '*',
  'socket*',
  'NEAR(',
  'NEAR(socket port)',
  "'; DROP TABLE articles; --",
  '^',
  ':',
  '(',
  ')',
  'a:b',
  '\\',
  '%',
  '%_%',
  'socket OR',
  '-',
  '"" socket',
  'title:',
  'kb:',
  '{title}:x',
  'x AND',
  'port -',
  '\u0000',
  '\u0002socket\u0003',
];

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`search on ${dialect}`, { skip: reason }, () => {
    let store: Store;
    const ids: Record<string, number> = {};
    const docs = new Map<number, MatchDocument>();

    const found = async (query: string, opts = {}) =>
      (await search(store, query, { limit: 100, ...opts })).results.map((r) => r.articleId);
    const names = async (query: string, opts = {}) =>
      (await found(query, opts)).map((id) => Object.keys(ids).find((k) => ids[k] === id)).sort();

    before(async () => {
      store = await createStore(dialect);
      const sources = {
        docs: await insertSource(store.db, 'support-docs'),
        classic: await insertSource(store.db, 'classic-kb'),
      };
      const tech: Record<string, number> = {};
      for (const t of TECHNOLOGIES) tech[t.slug] = await insertTechnology(store.db, t);
      for (const [name, a] of Object.entries(ARTICLES)) {
        ids[name] = await insertArticle(store.db, {
          ...a,
          sourceId: sources[a.source],
          technologies: (a.tech ?? []).map((s) => tech[s]),
        });
        const techNames = TECHNOLOGIES.filter((t) => a.tech?.includes(t.slug)).flatMap((t) => [
          t.slug,
          t.name.toLowerCase(),
          ...(t.aliases ?? []),
        ]);
        docs.set(ids[name], {
          title: a.title,
          description: a.description ?? '',
          body: a.body ?? '',
          products: a.products ?? [],
          areas: [],
          keywords: a.keywords ?? [],
          technologies: techNames,
          kb: a.kb ?? null,
          source: a.source === 'docs' ? 'support-docs' : 'classic-kb',
          updated: a.lastChanged!,
          reviewed: a.lastReviewed ?? null,
        });
      }
    });
    after(async () => store?.close());

    it('finds a known item by title words first', async () => {
      assert.equal((await found('bind socket exclusively'))[0], ids.exclusive);
      assert.ok((await found('exchange mailbox migration')).slice(0, 3).includes(ids.migration));
    });

    it('ranks a title hit above repeated body hits', async () => {
      const order = await found('socket');
      assert.ok(order.indexOf(ids.exclusive) < order.indexOf(ids.network), `${order}`);
    });

    it('requires every word, and stems them', async () => {
      assert.deepEqual(await names('mailbox migration'), ['migration']);
      assert.deepEqual(await names('migrations stopping'), ['migration']);
      assert.deepEqual(await names('mailbox'), ['migration', 'permissions']);
    });

    it('matches exact phrases only in order', async () => {
      assert.deepEqual(await names('"mailbox migration"'), ['migration']);
      assert.deepEqual(await names('"migration mailbox"'), []);
    });

    it('treats Windows-10 as the phrase "windows 10"', async () => {
      assert.deepEqual(await names('Windows-10'), ['update']);
      assert.deepEqual(await names('0x80070005'), ['network', 'update']);
    });

    it('supports OR, exclusion and groups', async () => {
      assert.deepEqual(await names('migration OR connectivity'), ['migration', 'network']);
      assert.deepEqual(await names('socket -exclusively'), ['network']);
      assert.deepEqual(await names('(mailbox OR connectivity) -permissions'), ['migration', 'network']);
      assert.deepEqual(await names('mailbox -(permissions OR large)'), []);
    });

    it('answers a query made only of exclusions', async () => {
      assert.deepEqual(await names('-socket -mailbox'), ['hostile', 'update']);
      assert.deepEqual(await names('-title:socket -kb:4494444'), [
        'hostile',
        'network',
        'permissions',
        'update',
      ]);
    });

    it('restricts title: to titles', async () => {
      assert.deepEqual(await names('title:socket'), ['exclusive']);
      assert.deepEqual(await names('title:"mailbox migration"'), ['migration']);
      assert.deepEqual(await names('title:Windows-10'), ['update']);
    });

    it('filters by technology, product, keyword, kb and source', async () => {
      assert.deepEqual(await names('product:ws2019'), ['exclusive']);
      assert.deepEqual(await names('product:"Windows Server 2019" port'), ['exclusive']);
      assert.deepEqual(await names('product:"exchange server 2016"'), ['permissions']);
      assert.deepEqual(await names('tech:kbWinsock'), ['exclusive']);
      assert.deepEqual(await names('keyword:kbwinsock'), ['exclusive']);
      assert.deepEqual(await names('product:kbwinsock'), []);
      assert.deepEqual(await names('tech:networking'), ['exclusive', 'network']);
      assert.deepEqual(await names('kb:4494444'), ['migration']);
      assert.deepEqual(await names('source:classic-kb'), ['exclusive']);
      assert.deepEqual(await names('connectivity OR kb:4494444'), ['migration', 'network']);
      assert.deepEqual(await names('socket', { technology: 'networking' }), ['exclusive', 'network']);
    });

    it('filters by dates, a bare date meaning that day', async () => {
      assert.deepEqual(await names('updated:>=2023-01-01'), ['network', 'update']);
      assert.deepEqual(await names('updated:>2023-01-10'), ['update']);
      assert.deepEqual(await names('updated:2022-12-05'), ['exclusive']);
      assert.deepEqual(await names('updated:<=2021-05-05'), ['permissions']);
      assert.deepEqual(await names('reviewed:<2021-06-01'), ['exclusive']);
      assert.deepEqual(await names('mailbox -reviewed:>=2022-01-01'), ['permissions']);
    });

    it('jumps to a KB number', async () => {
      for (const q of ['KB307175', 'q307175', '307175', 'kb:307175']) {
        const r = await search(store, q);
        assert.deepEqual(r.jump, { articleId: ids.exclusive, kb: 307175 }, q);
        assert.equal(r.results[0]?.articleId, ids.exclusive, q);
      }
      assert.equal((await search(store, 'KB999999')).jump, undefined);
      assert.equal((await search(store, 'socket')).jump, undefined);
    });

    it('counts results per technology', async () => {
      const r = await search(store, 'socket', { limit: 1, facets: true });
      assert.equal(r.total, 2);
      assert.equal(r.results.length, 1);
      assert.deepEqual(
        r.facets.find((f) => f.slug === 'networking'),
        { slug: 'networking', name: 'Networking', count: 2 },
      );
      assert.equal(r.facets.find((f) => f.slug === 'kbwinsock')?.count, 1);
      assert.deepEqual(r.results[0].technologies, ['kbwinsock', 'networking', 'windows-server-2019']);
    });

    it('highlights snippets and escapes article text', async () => {
      const [hit] = (await search(store, 'hostile')).results;
      assert.match(hit.snippet, /<mark>hostile<\/mark>/);
      // FTS5 keeps the text as it is (escaped here); ts_headline drops tag-like words itself.
      if (dialect === 'sqlite') assert.match(hit.snippet, /&#60;script&#62;alert\(&#34;x&#34;\)/);
      assert.match(hit.snippet, /&#38; more/);
      assert.doesNotMatch(hit.snippet.replace(/<\/?mark>/g, ''), /[<>]/);
      const [plain] = (await search(store, 'kb:4494444')).results;
      assert.equal(plain.snippet, 'Moving a mailbox stops with an error.');
    });

    it('leaves retired articles out unless asked', async () => {
      assert.ok(!(await found('socket')).includes(ids.retired));
      assert.ok((await found('socket', { includeRetired: true })).includes(ids.retired));
      assert.equal(
        (await search(store, 'socket', { includeRetired: true })).results.find(
          (r) => r.articleId === ids.retired,
        )?.retired,
        true,
      );
    });

    it('pages, sorts by date and restricts to given articles', async () => {
      const all = await found('-zzzz', { sort: 'date' });
      assert.deepEqual(all, [
        ids.update,
        ids.network,
        ids.exclusive,
        ids.migration,
        ids.hostile,
        ids.permissions,
      ]);
      assert.deepEqual(await found('-zzzz', { sort: 'date', limit: 2, offset: 2 }), [
        ids.exclusive,
        ids.migration,
      ]);
      assert.deepEqual(
        await names('socket OR mailbox', { onlyArticleIds: [ids.network, ids.permissions, ids.update] }),
        ['network', 'permissions'],
      );
      assert.equal((await search(store, 'socket', { onlyArticleIds: [] })).total, 0);
    });

    it('rejects malformed queries with a QueryError', async () => {
      for (const q of ['"unclosed', 'foo:bar', 'a OR', '(a', 'a)', '', 'updated:2022-02-30']) {
        await assert.rejects(search(store, q), QueryError, q);
      }
    });

    it('keeps FTS and SQL meta-characters harmless', async () => {
      for (const q of META_QUERIES) {
        try {
          await search(store, q);
        } catch (err) {
          assert.ok(err instanceof QueryError, `${JSON.stringify(q)} threw ${String(err)}`);
        }
      }
      assert.equal((await found('-zzzz')).length, 6);
    });

    it('agrees with the in-memory matcher', async () => {
      const queries = [
        'socket',
        'mailbox migration',
        '"mailbox migration"',
        'socket -exclusively',
        '-socket',
        'title:socket',
        'Windows-10',
        'migration OR connectivity',
        '(mailbox OR connectivity) -permissions',
        'kb:4494444',
        'source:classic-kb',
        'tech:networking',
        'updated:>=2023-01-01',
        'reviewed:<2021-06-01',
        'updates failing',
        'connectivity OR kb:4494444',
        'KB307175',
        'product:ws2019',
      ];
      for (const q of queries) {
        const fromDb = (await found(q, { includeRetired: true })).sort();
        const inMemory = [...docs]
          .filter(([, d]) => matches(parse(q), d))
          .map(([id]) => id)
          .sort();
        assert.deepEqual(fromDb, inMemory, q);
      }
    });

    it('updates and deletes index rows; the raw baseline finds words', async () => {
      await searchIndexUpsert(store.db, ids.hostile, {
        title: 'Renamed zebra page',
        description: '',
        body: 'zebra',
      });
      assert.deepEqual(await names('zebra'), ['hostile']);
      assert.deepEqual(await names('hostile'), []);
      assert.deepEqual(await rawFtsQuery(store, ['zebra']), [ids.hostile]);
      await searchIndexDelete(store, ids.hostile);
      assert.deepEqual(await names('zebra'), []);
      assert.deepEqual(await rawFtsQuery(store, ['socket', 'port']), [ids.exclusive]);
      assert.deepEqual(await rawFtsQuery(store, ['*', '"']), []);
    });
  });
}
