/**
 * Errors a scan used to swallow or let spread: a git diff that fails falls back to reading every
 * file and says so (in the log, on the run, in the report); a source that fails before its scan
 * starts is recorded as failed and the other sources are scanned.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { sql } from 'kysely';
import { DIALECTS, createStore, skipReason } from './stores.ts';
import { testContext } from './context.ts';
import { ClassicTree, kbRange } from './classic-fixture.ts';
import { GitFixture, article } from './git-fixture.ts';
import { createLogger } from '../src/log.ts';
import { scanAll } from '../src/scan/run.ts';
import { addSource } from '../src/scan/sources.ts';
import type { Store } from '../src/store/db.ts';
import { recentScans } from '../src/store/scans.ts';
import { findSourceById, insertSource, setSourceCursor, type SourceOptions } from '../src/store/sources.ts';

/** A database fault for one source only: its scan runs cannot be written. */
async function refuseScansOf(store: Store, sourceId: number): Promise<() => Promise<void>> {
  if (store.dialect === 'postgres') {
    await sql
      .raw(
        `CREATE FUNCTION refuse_scan() RETURNS trigger AS $$ BEGIN
           IF NEW.source_id = ${sourceId} THEN RAISE EXCEPTION 'could not extend file: No space left on device'; END IF;
           RETURN NEW; END $$ LANGUAGE plpgsql`,
      )
      .execute(store.db);
    await sql
      .raw('CREATE TRIGGER refuse_scan BEFORE INSERT ON scans FOR EACH ROW EXECUTE FUNCTION refuse_scan()')
      .execute(store.db);
    return async () => {
      await sql.raw('DROP TRIGGER refuse_scan ON scans').execute(store.db);
    };
  }
  await sql
    .raw(
      `CREATE TRIGGER refuse_scan BEFORE INSERT ON scans WHEN NEW.source_id = ${sourceId}
       BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`,
    )
    .execute(store.db);
  return async () => {
    await sql.raw('DROP TRIGGER refuse_scan').execute(store.db);
  };
}

for (const dialect of DIALECTS) {
  describe(`scan errors are recorded, not swallowed (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    test('a git diff that fails is logged and kept on the run; every file is read', { skip }, async () => {
      const store = await createStore(dialect);
      const repo = new GitFixture();
      try {
        repo.write('support/a/one.md', article({ title: 'One', kb: 910001 }));
        repo.write('support/a/two.md', article({ title: 'Two', kb: 910002 }));
        repo.write('support/a/three.md', article({ title: 'Three', kb: 910003 }));
        repo.commit('day 1');
        const warnings: string[] = [];
        const base = testContext(store);
        const ctx = { ...base, log: createLogger('warn', (line) => warnings.push(line)) };
        const source = await addSource(ctx, {
          kind: 'git',
          location: repo.url,
          name: 'fixture',
          options: { path: 'support/' },
        });
        assert.equal((await scanAll(ctx, {}))[0].counts.new, 3);

        repo.write('support/a/one.md', article({ title: 'One', kb: 910001, body: 'It now works.' }));
        repo.remove('support/a/three.md');
        const day2 = repo.commit('day 2');
        // History rewritten upstream: the cursor names a commit the mirror does not have.
        const unknown = 'f'.repeat(40);
        await setSourceCursor(store.db, source.id, unknown);
        const [r] = await scanAll(ctx, {});
        assert.equal(r.status, 'ok');
        assert.equal(r.ref, day2);
        assert.deepEqual(
          r.changes.map((c) => [c.kind, c.path]),
          [
            ['updated', 'support/a/one.md'],
            ['removed', 'support/a/three.md'],
          ],
          'the full rescan finds what changed',
        );
        assert.equal(r.counts.unchanged, 1);
        const said = new RegExp(
          `fixture: the diff from ${unknown} failed, so every file is read: .*${unknown}`,
        );
        assert.equal(r.errors.length, 1);
        assert.equal(r.errors[0].path, '');
        assert.match(r.errors[0].message, said, 'in the report (scan --json errors)');
        assert.equal(r.counts.errors, 1);
        assert.equal(warnings.filter((w) => / warn {2}/.test(w) && said.test(w)).length, 1, 'in the log');
        const [run] = await recentScans(store.db, 1);
        assert.equal(run.status, 'ok');
        assert.equal(run.toRef, day2);
        assert.match(run.message ?? '', said, 'on the run (the admin scans page)');
        assert.equal(run.errors, 1);
        assert.equal((await findSourceById(store.db, source.id))?.cursor, day2);
      } finally {
        rmSync(repo.dir, { recursive: true, force: true });
        await store.close();
      }
    });

    test('a source that fails before its scan starts does not stop the others', { skip }, async () => {
      const store = await createStore(dialect);
      const tree = new ClassicTree(kbRange(920001, 10));
      const repo = new GitFixture();
      try {
        repo.write('support/a/one.md', article({ title: 'One', kb: 930001 })).commit('day 1');
        const ctx = testContext(store);
        const at = ctx.now().toISOString();
        const broken = await addSource(ctx, {
          kind: 'git',
          location: repo.url,
          name: 'broken',
          options: { path: 'support/' },
        });
        const unknownKind = await insertSource(store.db, {
          name: 'svn',
          kind: 'svn' as 'git',
          location: 'svn://example.test/kb',
          options: {},
          createdAt: at,
        });
        const badOptions = await insertSource(store.db, {
          name: 'bad-options',
          kind: 'git',
          location: repo.url,
          options: { path: 5 } as unknown as SourceOptions,
          createdAt: at,
        });
        const good = await addSource(ctx, { kind: 'classic', location: tree.dir, name: 'good' });
        const allow = await refuseScansOf(store, broken.id);

        const reports = await scanAll(ctx, {});
        assert.deepEqual(
          reports.map((r) => [r.name, r.status]),
          [
            ['broken', 'failed'],
            ['svn', 'failed'],
            ['bad-options', 'failed'],
            ['good', 'ok'],
          ],
        );
        assert.equal(reports[3].counts.new, 10, 'the sources after the failures are scanned');
        assert.match(reports[0].errors[0].message, /^scan: broken failed: .*(full|No space left)/);
        assert.match(reports[1].errors[0].message, /svn has an unknown kind "svn"/);
        assert.match(reports[2].errors[0].message, /bad-options: the option "path" must be text, not 5/);
        for (const [source, report] of [broken, unknownKind, badOptions].map(
          (s, i) => [s, reports[i]] as const,
        )) {
          const row = await findSourceById(store.db, source.id);
          assert.equal(row?.last_error, report.errors[0].message, `${source.name}: kept on the source`);
          assert.equal(row?.error_count, 1);
        }
        assert.equal((await findSourceById(store.db, good.id))?.last_error, null);

        await allow();
        const [again] = await scanAll(ctx, { source: 'broken' });
        assert.equal(again.status, 'ok');
        assert.equal(again.counts.new, 1);
        assert.equal((await findSourceById(store.db, broken.id))?.last_error, null);
      } finally {
        tree.close();
        rmSync(repo.dir, { recursive: true, force: true });
        await store.close();
      }
    });
  });
}
