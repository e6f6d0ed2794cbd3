import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { sql } from 'kysely';
import { insertSource } from '../../test/factories.ts';
import { createDatabase, DIALECTS, skipReason, type TestDatabase } from '../../test/stores.ts';
import { checkSchema, connect, isFreshDatabase, migrate, openStore, SchemaError, type Store } from './db.ts';
import { MIGRATIONS } from './migrations/index.ts';

const ALL = Object.keys(MIGRATIONS);

/** Runs `fn` on a new empty database, dropped afterwards. */
async function withDatabase(dialect: 'sqlite' | 'postgres', fn: (t: TestDatabase) => Promise<void>) {
  const t = await createDatabase(dialect);
  try {
    await fn(t);
  } finally {
    await t.drop();
  }
}

/** Runs `fn` on an open store, closed afterwards. */
async function using(store: Store, fn: (s: Store) => Promise<void>) {
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

for (const dialect of DIALECTS) {
  describe(`store: opening and migrating (${dialect})`, { skip: await skipReason(dialect) }, () => {
    it('migrates a fresh database once and then accepts its schema', () =>
      withDatabase(dialect, async (t) => {
        assert.equal(await isFreshDatabase(t.url), true);
        await using(openStore(t.url), async (store) => {
          assert.equal(store.dialect, dialect);
          assert.equal(store.url, t.url);
          assert.deepEqual(await migrate(store), ALL);
          assert.deepEqual(await migrate(store), [], 'nothing is pending the second time');
          await checkSchema(store);
        });
        assert.equal(await isFreshDatabase(t.url), false);
        await using(await connect(t.url), async (store) => {
          const id = await insertSource(store.db, 'docs');
          const n = await store.db
            .selectFrom('sources')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          assert.equal(n.n, 1, 'counts come back as numbers');
        });
      }));

    it('refuses a database that was never migrated, and leaves it untouched', () =>
      withDatabase(dialect, async (t) => {
        await assert.rejects(
          connect(t.url),
          (err) =>
            err instanceof SchemaError &&
            err.message.includes(`older than this program (pending: ${ALL.join(', ')})`) &&
            err.message.includes('kbwatch migrate'),
        );
        assert.equal(await isFreshDatabase(t.url), true);
        await using(await connect(t.url, { migrate: true }), async () => {});
        await using(await connect(t.url), async () => {});
      }));

    it('refuses an older schema, naming the pending migration', () =>
      withDatabase(dialect, async (t) => {
        await using(await connect(t.url, { migrate: true }), async (store) => {
          const last = ALL[ALL.length - 1];
          await sql`DELETE FROM schema_migrations WHERE name = ${last}`.execute(store.db);
          await assert.rejects(
            checkSchema(store),
            (err) => err instanceof SchemaError && err.message.includes(`(pending: ${last})`),
          );
        });
        await assert.rejects(connect(t.url), SchemaError);
      }));

    it('refuses a schema with migrations it does not know, and will not migrate it', () =>
      withDatabase(dialect, async (t) => {
        await using(await connect(t.url, { migrate: true }), async (store) => {
          await sql`INSERT INTO schema_migrations (name, timestamp) VALUES ('999_future', ${new Date().toISOString()})`.execute(
            store.db,
          );
        });
        await assert.rejects(
          connect(t.url),
          (err) =>
            err instanceof SchemaError &&
            err.message.includes('migrations this program does not know (999_future); upgrade kbwatch'),
        );
        await using(openStore(t.url), async (store) => {
          await assert.rejects(
            migrate(store),
            (err) => err instanceof SchemaError && err.message.startsWith('store: migration failed:'),
          );
        });
      }));

    it('opens at most `poolSize` connections: a query waits while a transaction holds the only one', () =>
      withDatabase(dialect, async (t) => {
        await using(await connect(t.url, { migrate: true, poolSize: 1 }), async (store) => {
          const events: string[] = [];
          let release = () => {};
          const released = new Promise<void>((resolve) => (release = resolve));
          let begun = () => {};
          const holding = new Promise<void>((resolve) => (begun = resolve));
          const tx = store.db.transaction().execute(async (trx) => {
            await insertSource(trx, 'docs');
            begun();
            await released;
            events.push('commit');
          });
          await holding;
          const read = store.db
            .selectFrom('sources')
            .select('name')
            .execute()
            .then((rows) => events.push(`read ${rows.length}`));
          await new Promise((resolve) => setTimeout(resolve, 50));
          events.push('release');
          release();
          await Promise.all([tx, read]);
          assert.deepEqual(events, ['release', 'commit', 'read 1']);
        });
      }));

    it('reports a failing migration as a SchemaError', () =>
      withDatabase(dialect, async (t) => {
        await using(openStore(t.url), async (store) => {
          await sql`CREATE TABLE sources (id integer)`.execute(store.db);
          await assert.rejects(
            migrate(store),
            (err) => err instanceof SchemaError && /^store: migration failed: .*sources/.test(err.message),
          );
        });
        await assert.rejects(connect(t.url), SchemaError);
      }));
  });
}

describe('store: SQLite file', { skip: await skipReason('sqlite') }, () => {
  it('creates missing folders and opens in WAL mode with foreign keys on', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kbwatch-db-'));
    try {
      const file = join(dir, 'nested', 'deeper', 'kbwatch.db');
      await using(await connect(`sqlite:${file}`, { migrate: true }), async (store) => {
        assert.ok(existsSync(file));
        const pragma = async (name: string) => {
          const { rows } = await sql.raw<Record<string, unknown>>(`PRAGMA ${name}`).execute(store.db);
          return Object.values(rows[0])[0];
        };
        assert.equal(await pragma('journal_mode'), 'wal');
        assert.equal(await pragma('foreign_keys'), 1);
        assert.equal(await pragma('busy_timeout'), 10000);
        await assert.rejects(
          store.db
            .insertInto('article_paths')
            .values({ source_id: 999, path: 'a.md', article_id: 999, current: 1 })
            .execute(),
          /FOREIGN KEY/,
        );
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('takes the write lock when a transaction begins, so a second connection cannot begin one', () =>
    withDatabase('sqlite', async (t) => {
      const first = await connect(t.url, { migrate: true });
      const second = await connect(t.url);
      try {
        // Fail fast instead of waiting 10 s for the lock.
        await sql`PRAGMA busy_timeout = 50`.execute(second.db);
        let begun = () => {};
        const holding = new Promise<void>((resolve) => (begun = resolve));
        let release = () => {};
        const released = new Promise<void>((resolve) => (release = resolve));
        // Only reads inside the first transaction so far: a deferred BEGIN would hold no lock yet.
        const open = first.db.transaction().execute(async (tx) => {
          await tx.selectFrom('sources').selectAll().execute();
          begun();
          await released;
          await insertSource(tx, 'first');
        });
        await holding;
        let ran = false;
        await assert.rejects(
          second.db.transaction().execute(async (tx) => {
            ran = true;
            await tx.selectFrom('sources').selectAll().execute();
          }),
          /database is locked/,
        );
        assert.equal(ran, false, 'refused at BEGIN, before any statement');
        assert.deepEqual(await second.db.selectFrom('sources').selectAll().execute(), [], 'reads go on');
        release();
        await open;
        await second.db.transaction().execute((tx) => insertSource(tx, 'second'));
        const names = await first.db.selectFrom('sources').select('name').orderBy('id').execute();
        assert.deepEqual(
          names.map((r) => r.name),
          ['first', 'second'],
        );
      } finally {
        await second.close();
        await first.close();
      }
    }));
});
