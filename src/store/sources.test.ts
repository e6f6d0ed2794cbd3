import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { insertArticle } from '../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import {
  countEnabledSources,
  countLiveArticles,
  findSourceById,
  findSourceByName,
  insertSource,
  listSources,
  markSourceFailed,
  markSourceScanned,
  retireSource,
  setSourceCursor,
  sourceKinds,
  sourceOptions,
} from './sources.ts';

const AT = '2024-02-01T12:00:00.000Z';

describe('store: source options', () => {
  it('decodes the options column, and reads unreadable options as none', () => {
    assert.deepEqual(sourceOptions({ options: '{"path":"support/","urlTemplate":"learn-support"}' }), {
      path: 'support/',
      urlTemplate: 'learn-support',
    });
    assert.deepEqual(sourceOptions({ options: 'not json' }), {});
    assert.deepEqual(sourceOptions({ options: '["a"]' }), {});
  });
});

for (const dialect of DIALECTS) {
  describe(`store: sources (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    it('adds, finds and lists sources in the order they were added', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const git = await insertSource(store.db, {
          name: 'docs',
          kind: 'git',
          location: 'https://example.org/docs.git',
          options: { path: 'support/', urlTemplate: '{file}' },
          createdAt: AT,
        });
        assert.equal(git.enabled, 1);
        assert.equal(git.cursor, null);
        assert.equal(git.error_count, 0);
        assert.deepEqual(sourceOptions(git), { path: 'support/', urlTemplate: '{file}' });
        const classic = await insertSource(store.db, {
          name: 'classic',
          kind: 'classic',
          location: '/srv/kb.tar.xz',
          options: {},
          createdAt: AT,
        });
        assert.deepEqual(
          (await listSources(store.db)).map((s) => s.name),
          ['docs', 'classic'],
        );
        assert.equal((await findSourceByName(store.db, 'classic'))?.id, classic.id);
        assert.equal((await findSourceById(store.db, git.id))?.name, 'docs');
        assert.equal(await findSourceByName(store.db, 'missing'), undefined);
        assert.equal(await findSourceById(store.db, 9999), undefined);
        assert.deepEqual(
          await sourceKinds(store.db),
          new Map([
            [git.id, 'git'],
            [classic.id, 'classic'],
          ]),
        );
      } finally {
        await store.close();
      }
    });

    it('keeps the cursor and the outcome of the last scans', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const { id } = await insertSource(store.db, {
          name: 'docs',
          kind: 'git',
          location: 'https://example.org/docs.git',
          options: {},
          createdAt: AT,
        });
        await setSourceCursor(store.db, id, 'abc123');
        await markSourceFailed(store.db, id, '2024-02-02T03:00:00.000Z', 'x'.repeat(3000));
        await markSourceFailed(store.db, id, '2024-02-03T03:00:00.000Z', 'network unreachable');
        let s = await findSourceById(store.db, id);
        assert.equal(s?.cursor, 'abc123');
        assert.equal(s?.error_count, 2);
        assert.equal(s?.last_error, 'network unreachable');
        assert.equal(s?.last_scan_at, '2024-02-03T03:00:00.000Z');
        assert.equal(s?.last_success_at, null);
        await markSourceScanned(store.db, id, '2024-02-04T03:00:00.000Z');
        s = await findSourceById(store.db, id);
        assert.equal(s?.error_count, 0);
        assert.equal(s?.last_error, null);
        assert.equal(s?.last_success_at, '2024-02-04T03:00:00.000Z');
        await markSourceFailed(store.db, id, AT, 'y'.repeat(3000));
        assert.equal((await findSourceById(store.db, id))?.last_error?.length, 2000, 'long errors are cut');
      } finally {
        await store.close();
      }
    });

    it('counts the enabled sources of a kind', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        assert.equal(await countEnabledSources(store.db, 'git'), 0);
        const add = (name: string, kind: 'git' | 'classic') =>
          insertSource(store.db, { name, kind, location: `/srv/${name}`, options: {}, createdAt: AT });
        const docs = await add('docs', 'git');
        await add('office', 'git');
        const classic = await add('classic', 'classic');
        assert.equal(await countEnabledSources(store.db, 'git'), 2);
        assert.equal(await countEnabledSources(store.db, 'classic'), 1);
        await retireSource(store.db, docs);
        assert.equal(await countEnabledSources(store.db, 'git'), 1, 'a removed source is not counted');
        await store.db.updateTable('sources').set({ enabled: 0 }).where('id', '=', classic.id).execute();
        assert.equal(await countEnabledSources(store.db, 'classic'), 0);
        assert.equal(await countEnabledSources(store.db, 'git'), 1);
      } finally {
        await store.close();
      }
    });

    it('removing a source retires its articles and renames it out of the way', { skip }, async () => {
      const store = await createStore(dialect);
      try {
        const add = (name: string) =>
          insertSource(store.db, {
            name,
            kind: 'git',
            location: `https://example.org/${name}.git`,
            options: {},
            createdAt: AT,
          });
        const gone = await add('gone');
        const kept = await add('kept');
        const a = await insertArticle(store.db, { sourceId: gone.id, title: 'Gone article' });
        const b = await insertArticle(store.db, { sourceId: kept.id, title: 'Kept article' });
        await insertArticle(store.db, { sourceId: kept.id, title: 'Retired before', retired: true });
        assert.equal(await countLiveArticles(store.db, gone.id), 1);
        assert.equal(await countLiveArticles(store.db, kept.id), 1, 'retired articles are not live');
        await retireSource(store.db, gone);
        assert.equal(await countLiveArticles(store.db, gone.id), 0);
        const s = await findSourceById(store.db, gone.id);
        assert.equal(s?.enabled, 0);
        assert.equal(s?.name, `gone~removed-${gone.id}`);
        assert.equal(await findSourceByName(store.db, 'gone'), undefined, 'the name is free again');
        const rows = await store.db.selectFrom('articles').select(['id', 'retired']).orderBy('id').execute();
        assert.deepEqual(rows.slice(0, 2), [
          { id: a, retired: 1 },
          { id: b, retired: 0 },
        ]);
      } finally {
        await store.close();
      }
    });
  });
}
