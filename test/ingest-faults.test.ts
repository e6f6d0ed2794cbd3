/**
 * Bad input and faults during ingest: each broken file is recorded and skipped, a failing
 * source changes nothing, and nothing is ever read as "article deleted".
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DIALECTS, createStore, skipReason } from './stores.ts';
import { testContext } from './context.ts';
import { GitFixture, article } from './git-fixture.ts';
import { addSource } from '../src/scan/sources.ts';
import { scanAll } from '../src/scan/run.ts';

for (const dialect of DIALECTS) {
  describe(`ingest faults (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    test(
      'broken files are recorded and skipped; a file that breaks later is not removed',
      { skip },
      async () => {
        const store = await createStore(dialect);
        try {
          const repo = new GitFixture();
          repo.write('support/net/good-one.md', article({ title: 'Winsock listen backlog', kb: 127144 }));
          repo.write('support/net/good-two.md', article({ title: 'DNS client cache', kb: 318803 }));
          repo.write(
            'support/net/broken-yaml.md',
            '---\ntitle: [unclosed\n  : nope\n---\n# Broken\n\ntext\n',
          );
          repo.write('support/net/binary.md', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00, 0x01, 0x02]));
          repo.write(
            'support/net/latin1.md',
            Buffer.concat([
              Buffer.from('---\ntitle: Caf'),
              Buffer.from([0xe9, 0xff, 0xfe]),
              Buffer.from('\n---\n# Cafe\n'),
            ]),
          );
          repo.write(
            'support/net/huge.md',
            article({ title: 'Huge article', body: 'word '.repeat(4_200_000) }),
          );
          repo.write('support/includes/snippet.md', 'Included text.\n');
          repo.write('support/index.md', '# Index\n');
          repo.commit('day 1');
          const ctx = testContext(store, { env: { KBWATCH_MAX_ARTICLE_BYTES: String(5_000_000) } });
          await addSource(ctx, {
            kind: 'git',
            location: repo.url,
            name: 'fixture',
            options: { path: 'support/' },
          });

          const [r1] = await scanAll(ctx, {});
          assert.equal(r1.status, 'ok');
          assert.equal(r1.counts.new, 2);
          const errorPaths = r1.errors.map((e) => e.path).sort();
          assert.deepEqual(errorPaths, [
            'support/net/binary.md',
            'support/net/broken-yaml.md',
            'support/net/huge.md',
            'support/net/latin1.md',
          ]);
          for (const e of r1.errors)
            assert.ok(e.message.length > 10, `a message for ${e.path}: ${e.message}`);
          const recorded = await store.db.selectFrom('scan_errors').select(['path', 'message']).execute();
          assert.equal(recorded.length, 4);

          // good-two breaks: recorded, and the stored article stays live.
          repo.write('support/net/good-two.md', '---\ntitle: "unterminated\n---\n');
          repo.commit('day 2');
          const [r2] = await scanAll(ctx, {});
          assert.equal(r2.counts.errors, 1);
          assert.equal(r2.counts.removed, 0);
          const two = await store.db
            .selectFrom('articles')
            .select(['retired', 'title'])
            .where('kb', '=', 318803)
            .executeTakeFirstOrThrow();
          assert.equal(two.retired, 0);
          assert.equal(two.title, 'DNS client cache');

          // Deleting it for real is a removal.
          repo.remove('support/net/good-two.md');
          repo.commit('day 3');
          const [r3] = await scanAll(ctx, {});
          assert.deepEqual(
            r3.changes.map((c) => [c.kind, c.path]),
            [['removed', 'support/net/good-two.md']],
          );
        } finally {
          await store.close();
        }
      },
    );

    test('an unreachable or corrupt remote fails the source and removes nothing', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const repo = new GitFixture();
        repo.write('support/a/one.md', article({ title: 'One', kb: 1001 }));
        repo.write('support/a/two.md', article({ title: 'Two', kb: 1002 }));
        repo.commit('day 1');
        const ctx = testContext(store);
        const source = await addSource(ctx, {
          kind: 'git',
          location: repo.url,
          name: 'fixture',
          options: { path: 'support/' },
        });
        const [ok] = await scanAll(ctx, {});
        assert.equal(ok.counts.new, 2);

        // The remote disappears: a new mirror (fresh data dir) cannot clone, the old one cannot fetch.
        const gone = join(mkdtempSync(join(tmpdir(), 'kbwatch-gone-')), 'nothing.git');
        await store.db
          .updateTable('sources')
          .set({ location: `file://${gone}` })
          .where('id', '=', source.id)
          .execute();
        for (const c of [ctx, testContext(store)]) {
          const [failed] = await scanAll(c, {});
          assert.equal(failed.status, 'failed');
          assert.match(failed.errors[0].message, /git source/);
        }
        // A corrupt remote: a folder that looks like a repository but is garbage.
        const corrupt = mkdtempSync(join(tmpdir(), 'kbwatch-corrupt-'));
        mkdirSync(join(corrupt, 'objects'));
        mkdirSync(join(corrupt, 'refs'));
        writeFileSync(join(corrupt, 'HEAD'), 'this is not a ref\n');
        await store.db
          .updateTable('sources')
          .set({ location: `file://${corrupt}` })
          .where('id', '=', source.id)
          .execute();
        const [bad] = await scanAll(testContext(store), {});
        assert.equal(bad.status, 'failed');

        const src = await store.db
          .selectFrom('sources')
          .selectAll()
          .where('id', '=', source.id)
          .executeTakeFirstOrThrow();
        assert.ok(src.last_error && src.error_count >= 3, 'the error is kept on the source');
        const live = await store.db.selectFrom('articles').select('id').where('retired', '=', 0).execute();
        assert.equal(live.length, 2, 'no article was removed');
        const removed = await store.db
          .selectFrom('changes')
          .select('id')
          .where('kind', '=', 'removed')
          .execute();
        assert.equal(removed.length, 0);
      } finally {
        await store.close();
      }
    });

    test('a classic file without header is recorded and skipped', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const dir = mkdtempSync(join(tmpdir(), 'kbwatch-classic-'));
        mkdirSync(join(dir, 'txt', '127'), { recursive: true });
        writeFileSync(
          join(dir, 'txt', '127', 'Q127144.TXT'),
          'DOCUMENT:Q127144  08-AUG-2001  [winnt]\nTITLE   :Windows NT WinSock Listen (Backlog) Parameter Limit\nPRODUCT :Microsoft Windows NT\nPROD/VER:winnt:3.5,3.51,4.0\nOPER/SYS:\nKEYWORDS:kbnetwork kbAPI kbWinsock\n\n======================================================================\nThe backlog parameter is limited.\n',
        );
        writeFileSync(join(dir, 'txt', '127', 'Q127145.TXT'), 'Just some text without any header at all.\n');
        const ctx = testContext(store);
        await addSource(ctx, { kind: 'classic', location: dir, name: 'classic' });
        const [r] = await scanAll(ctx, {});
        assert.equal(r.status, 'ok');
        assert.equal(r.counts.new, 1);
        assert.equal(r.errors.length, 1);
        assert.match(r.errors[0].path, /Q127145/);
      } finally {
        await store.close();
      }
    });
  });
}
