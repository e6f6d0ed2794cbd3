/**
 * A source that vanished is not a source that was emptied: a classic location that is empty,
 * missing or cut short fails the source and retires nothing, and a scan that would retire more
 * than 5% of a source's live articles (and more than 20) stops until an administrator confirms.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { renameSync, rmSync } from 'node:fs';
import { DIALECTS, createStore, skipReason } from './stores.ts';
import { testContext } from './context.ts';
import { ClassicTree, kbRange } from './classic-fixture.ts';
import { GitFixture, article } from './git-fixture.ts';
import type { Context } from '../src/context.ts';
import { scanAll } from '../src/scan/run.ts';
import { addSource } from '../src/scan/sources.ts';
import { recentScans } from '../src/store/scans.ts';
import type { Source } from '../src/store/schema.ts';
import { countLiveArticles, findSourceById } from '../src/store/sources.ts';

const GUARD = /would retire (\d[\d,]*) of (\d[\d,]*) live articles \((\d+)%\); nothing was retired/;

async function addClassic(ctx: Context, location: string): Promise<Source> {
  return addSource(ctx, { kind: 'classic', location, name: 'classic' });
}

/** The source failed as a whole: on the report, the run and the source; its cursor did not move. */
async function assertFailedUnchanged(ctx: Context, source: Source, cursor: string | null, live: number) {
  const after = await findSourceById(ctx.store.db, source.id);
  assert.equal(after?.cursor, cursor, 'the cursor did not move');
  assert.ok(after?.last_error, 'the error is kept on the source');
  const [run] = await recentScans(ctx.store.db, 1);
  assert.equal(run.status, 'failed');
  assert.equal(run.message, after?.last_error, 'and on the scan run');
  assert.equal(await countLiveArticles(ctx.store.db, source.id), live, 'nothing was retired');
  return after!.last_error!;
}

for (const dialect of DIALECTS) {
  describe(`removal guard (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    test(
      'a classic directory left with 40 of its 100 articles stops, then is confirmed',
      { skip },
      async () => {
        const store = await createStore(dialect);
        const tree = new ClassicTree(kbRange(700001, 100));
        try {
          const ctx = testContext(store);
          const source = await addClassic(ctx, tree.dir);
          const [first] = await scanAll(ctx, {});
          assert.equal(first.counts.new, 100);
          const cursor = (await findSourceById(store.db, source.id))!.cursor;

          tree.remove(kbRange(700041, 60));
          const [stopped] = await scanAll(ctx, {});
          assert.equal(stopped.status, 'failed');
          assert.equal(stopped.counts.removed, 0);
          assert.deepEqual(stopped.errors[0].message.match(GUARD)?.slice(1), ['60', '100', '60']);
          assert.match(
            stopped.errors[0].message,
            /run `kbwatch scan --source classic --allow-removals` or use "Allow removals"/,
          );
          const error = await assertFailedUnchanged(ctx, source, cursor, 100);
          assert.equal(error, stopped.errors[0].message);

          const [again] = await scanAll(ctx, {});
          assert.equal(again.status, 'failed', 'an unconfirmed scan stops every time');

          const [confirmed] = await scanAll(ctx, { source: 'classic', allowRemovals: true });
          assert.equal(confirmed.status, 'ok');
          assert.equal(confirmed.counts.removed, 60);
          assert.equal(await countLiveArticles(store.db, source.id), 40);
          const done = await findSourceById(store.db, source.id);
          assert.notEqual(done?.cursor, cursor);
          assert.equal(done?.last_error, null);
          const [next] = await scanAll(ctx, {});
          assert.equal(next.status, 'up-to-date');
        } finally {
          tree.close();
          await store.close();
        }
      },
    );

    test('a classic directory emptied, then gone, fails and retires nothing', { skip }, async () => {
      const store = await createStore(dialect);
      const kbs = kbRange(710001, 100);
      const tree = new ClassicTree(kbs);
      try {
        const ctx = testContext(store);
        const source = await addClassic(ctx, tree.dir);
        assert.equal((await scanAll(ctx, {}))[0].counts.new, 100);
        const cursor = (await findSourceById(store.db, source.id))!.cursor;

        tree.remove(kbs);
        const [empty] = await scanAll(ctx, {});
        assert.equal(empty.status, 'failed');
        assert.equal(empty.counts.removed, 0);
        assert.match(await assertFailedUnchanged(ctx, source, cursor, 100), /holds no classic article files/);

        renameSync(tree.dir, `${tree.dir}.unmounted`);
        const [missing] = await scanAll(ctx, {});
        assert.equal(missing.status, 'failed');
        assert.match(await assertFailedUnchanged(ctx, source, cursor, 100), /cannot read .*ENOENT/);
        assert.equal((await findSourceById(store.db, source.id))?.error_count, 2);
      } finally {
        tree.close();
        await store.close();
      }
    });

    test('a classic archive cut short fails the source that holds its articles', { skip }, async () => {
      const store = await createStore(dialect);
      const kbs = kbRange(720001, 100);
      const tree = new ClassicTree(kbs);
      try {
        const ctx = testContext(store);
        const archive = tree.archive(kbs);
        const source = await addClassic(ctx, archive);
        const [first] = await scanAll(ctx, {});
        assert.equal(first.counts.new, 100);
        const cursor = (await findSourceById(store.db, source.id))!.cursor;
        ClassicTree.cutArchive(archive, 40);
        const [cut] = await scanAll(ctx, {});
        assert.equal(cut.status, 'failed');
        assert.equal(cut.counts.removed, 0);
        assert.match(await assertFailedUnchanged(ctx, source, cursor, 100), /truncated/);
      } finally {
        tree.close();
        await store.close();
      }
    });

    test(
      'days below the limit go through: 3 of 100, 20 of 30, 25 of 1,000',
      { skip, timeout: 120_000 },
      async () => {
        const store = await createStore(dialect);
        const tree = new ClassicTree(kbRange(730001, 100));
        const big = new ClassicTree(kbRange(740001, 1000));
        const small = new ClassicTree(kbRange(750001, 30));
        try {
          const ctx = testContext(store);
          const a = await addClassic(ctx, tree.dir);
          const b = await addSource(ctx, { kind: 'classic', location: big.dir, name: 'big' });
          const c = await addSource(ctx, { kind: 'classic', location: small.dir, name: 'small' });
          assert.deepEqual(
            (await scanAll(ctx, {})).map((r) => r.counts.new),
            [100, 1000, 30],
          );
          tree.remove(kbRange(730001, 3));
          big.remove(kbRange(740001, 25));
          small.remove(kbRange(750001, 20));
          const reports = await scanAll(ctx, {});
          assert.deepEqual(
            reports.map((r) => [r.status, r.counts.removed]),
            [
              ['ok', 3],
              ['ok', 25],
              ['ok', 20],
            ],
          );
          assert.equal(await countLiveArticles(store.db, a.id), 97);
          assert.equal(await countLiveArticles(store.db, b.id), 975);
          assert.equal(await countLiveArticles(store.db, c.id), 10);
        } finally {
          tree.close();
          big.close();
          small.close();
          await store.close();
        }
      },
    );

    test('a git day that removes 30% of a source stops before anything is retired', { skip }, async () => {
      const store = await createStore(dialect);
      const repo = new GitFixture();
      try {
        for (let n = 1; n <= 100; n++)
          repo.write(`support/net/art-${n}.md`, article({ title: `Network article ${n}`, kb: 600000 + n }));
        const day1 = repo.commit('day 1');
        const ctx = testContext(store);
        const source = await addSource(ctx, {
          kind: 'git',
          location: repo.url,
          name: 'support',
          options: { path: 'support/' },
        });
        assert.equal((await scanAll(ctx, {}))[0].counts.new, 100);

        for (let n = 1; n <= 30; n++) repo.remove(`support/net/art-${n}.md`);
        // A move git does not see (a KB number leaving a deleted file for a new one) is no removal.
        repo.remove('support/net/art-31.md');
        repo.write('support/networking/art-31.md', article({ title: 'Network article 31', kb: 600031 }));
        repo.write(
          'support/net/art-99.md',
          article({ title: 'Network article 99', kb: 600099, body: 'Now fixed.' }),
        );
        const day2 = repo.commit('day 2');
        const [stopped] = await scanAll(ctx, {});
        assert.equal(stopped.status, 'failed');
        assert.deepEqual(stopped.errors[0].message.match(GUARD)?.slice(1), ['30', '100', '30']);
        assert.deepEqual([stopped.counts.moved, stopped.counts.updated], [1, 1], 'what was read is recorded');
        await assertFailedUnchanged(ctx, source, day1, 100);

        const [confirmed] = await scanAll(ctx, { source: 'support', allowRemovals: true });
        assert.equal(confirmed.status, 'ok');
        assert.equal(confirmed.ref, day2);
        assert.equal(confirmed.counts.removed, 30);
        assert.equal(await countLiveArticles(store.db, source.id), 70);
        assert.equal((await findSourceById(store.db, source.id))?.cursor, day2);
      } finally {
        rmSync(repo.dir, { recursive: true, force: true });
        await store.close();
      }
    });
  });
}
