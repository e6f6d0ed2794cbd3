/** The command-line contract other tools rely on, run as a real child process on both databases. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator } from 'kysely';
import { DIALECTS, createDatabase, skipReason } from './stores.ts';
import { GitFixture, article } from './git-fixture.ts';
import { runKbwatch } from './process.ts';
import { openStore } from '../src/store/db.ts';
import { MIGRATIONS } from '../src/store/migrations/index.ts';

for (const dialect of DIALECTS) {
  describe(`kbwatch CLI (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    test('sources, scan --json, --ref, search, article, changes', { skip, timeout: 240_000 }, async () => {
      const tdb = await createDatabase(dialect);
      const env = {
        KBWATCH_DATABASE_URL: tdb.url,
        KBWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'kbwatch-cli-')),
        KBWATCH_LOG_LEVEL: 'warn',
      };
      const kb = (args: string[]) => runKbwatch(args, env);
      try {
        assert.equal((await kb(['migrate'])).code, 0);
        const repo = new GitFixture();
        repo.write(
          'support/net/winsock-backlog.md',
          article({ title: 'Winsock listen backlog limit', kb: 127144, products: 'Windows NT Server 4.0' }),
        );
        repo.write('support/net/dns-cache.md', article({ title: 'DNS client cache', kb: 318803 }));
        const day1 = repo.commit('day 1');
        repo.write(
          'support/net/dns-cache.md',
          article({
            title: 'DNS client cache',
            kb: 318803,
            body: 'Run ipconfig /flushdns to clear the cache, then restart the DNS client service.',
          }),
        );
        repo.move('support/net/winsock-backlog.md', 'support/networking/winsock-backlog.md');
        repo.write('support/net/smb.md', article({ title: 'SMB signing', custom: 'sap:smb, kbSMB' }));
        repo.commit('day 2');

        const added = await kb([
          'source',
          'add',
          'git',
          repo.url,
          '--name',
          'fixture',
          '--path',
          'support/',
          '--url-template',
          'https://example.test/{path}',
        ]);
        assert.equal(added.code, 0, added.stderr);
        const dup = await kb(['source', 'add', 'git', repo.url, '--name', 'fixture']);
        assert.equal(dup.code, 1);
        assert.match(dup.stderr, /already exists/);
        const bad = await kb(['source', 'add', 'git', 'ext::sh -c touch% /tmp/pwned', '--name', 'evil']);
        assert.equal(bad.code, 1);
        assert.match(bad.stderr, /https, ssh or file/);
        const list = JSON.parse((await kb(['source', 'list', '--json'])).stdout);
        assert.deepEqual(
          list.map((s: { name: string }) => s.name),
          ['fixture'],
        );

        const first = await kb(['scan', '--json', '--ref', day1]);
        assert.equal(first.code, 0, first.stderr);
        const r1 = JSON.parse(first.stdout);
        assert.equal(r1.sources[0].name, 'fixture');
        assert.equal(r1.sources[0].ref, day1);
        assert.deepEqual(Object.keys(r1.sources[0].counts).sort(), [
          'errors',
          'metadata',
          'moved',
          'new',
          'removed',
          'unchanged',
          'updated',
        ]);
        assert.equal(r1.sources[0].counts.new, 2);
        for (const c of r1.sources[0].changes)
          assert.deepEqual(Object.keys(c).sort(), ['kb', 'kind', 'path', 'previousPath', 'title']);

        const second = JSON.parse((await kb(['scan', '--json'])).stdout).sources[0];
        const byPath = Object.fromEntries(second.changes.map((c: { path: string }) => [c.path, c]));
        assert.equal(byPath['support/net/dns-cache.md'].kind, 'updated');
        assert.equal(byPath['support/networking/winsock-backlog.md'].kind, 'moved');
        assert.equal(
          byPath['support/networking/winsock-backlog.md'].previousPath,
          'support/net/winsock-backlog.md',
        );
        assert.equal(byPath['support/net/smb.md'].kind, 'new');

        const again = JSON.parse((await kb(['scan', '--json'])).stdout).sources[0];
        assert.equal(again.changes.length, 0, 'a second scan of the same head reports nothing');

        const found = JSON.parse((await kb(['search', 'winsock', 'backlog', '--json'])).stdout);
        assert.equal(found.results[0].kb, 127144);
        const malformed = await kb(['search', '"unclosed']);
        assert.equal(malformed.code, 1);
        assert.match(malformed.stderr, /unclosed quote at position 0/);

        const shown = await kb(['article', '318803']);
        assert.match(shown.stdout, /DNS client cache/);
        assert.match(shown.stdout, /Revision: 2\.0/);
        const viaOldPath = await kb(['article', 'support/net/winsock-backlog.md']);
        assert.match(viaOldPath.stdout, /Article ID: 127144/);
        const missing = await kb(['article', '999999']);
        assert.equal(missing.code, 1);

        const changes = JSON.parse((await kb(['changes', '--since', '2000-01-01', '--json'])).stdout).changes;
        assert.equal(changes.length, 5);
        const badDate = await kb(['changes', '--since', 'yesterday-ish']);
        assert.equal(badDate.code, 1);

        assert.equal((await kb(['source', 'remove', 'fixture'])).code, 0);
        assert.equal(JSON.parse((await kb(['source', 'list', '--json'])).stdout).length, 0);
      } finally {
        await tdb.drop();
      }
    });

    test('refuses an older schema until `kbwatch migrate`', { skip, timeout: 120_000 }, async () => {
      const tdb = await createDatabase(dialect);
      try {
        const store = openStore(tdb.url);
        const first = Object.keys(MIGRATIONS)[0];
        await new Migrator({
          db: store.db,
          provider: { getMigrations: async () => MIGRATIONS },
          migrationTableName: 'schema_migrations',
          migrationLockTableName: 'schema_migrations_lock',
        }).migrateTo(first);
        await store.close();
        const env = {
          KBWATCH_DATABASE_URL: tdb.url,
          KBWATCH_DATA_DIR: mkdtempSync(join(tmpdir(), 'kbwatch-cli-')),
        };
        const refused = await runKbwatch(['source', 'list'], env);
        assert.equal(refused.code, 1);
        assert.match(refused.stderr, /older than this program.*kbwatch migrate/);
        assert.equal((await runKbwatch(['migrate'], env)).code, 0);
        assert.equal((await runKbwatch(['source', 'list'], env)).code, 0);
      } finally {
        await tdb.drop();
      }
    });

    test('a bad setting names the variable', { skip, timeout: 60_000 }, async () => {
      const r = await runKbwatch(['source', 'list'], { KBWATCH_PORT: 'eighty' });
      assert.equal(r.code, 1);
      assert.match(r.stderr, /KBWATCH_PORT: expected an integer/);
    });
  });
}
