/**
 * Real replay: scan day 1 of the support KB, then every following day with --ref, and compare
 * what kbwatch reports with git's own diff of that day.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, createStore, skipReason } from './stores.ts';
import { days, gitDiff, repoCopy, sharedSkipReason } from './shared-kb.ts';
import { testContext } from './context.ts';
import { addSource } from '../src/scan/sources.ts';
import { scanAll } from '../src/scan/run.ts';
import { isArticlePath } from '../src/sources/markdown.ts';
import { findArticleByPath, revisionsOf } from '../src/store/article-read.ts';

const sharedSkip = sharedSkipReason();

for (const dialect of DIALECTS) {
  describe(`replay of the support KB (${dialect})`, async () => {
    const skip = sharedSkip || (await skipReason(dialect));
    test('every day matches git, renames keep identity', { skip, timeout: 15 * 60_000 }, async () => {
      const repo = repoCopy('support-articles.git');
      const store = await createStore(dialect);
      const identityCases: string[] = [];
      try {
        const timeline = days(repo);
        const ctx = testContext(store, { now: `${timeline[0].date}T23:59:00Z` });
        await addSource(ctx, {
          kind: 'git',
          location: `file://${repo}`,
          name: 'support',
          options: { path: 'support/', urlTemplate: 'learn-support' },
        });
        const [first] = await scanAll(ctx, { ref: timeline[0].commit });
        assert.equal(first.status, 'ok');
        assert.deepEqual(first.errors, []);
        assert.ok(first.counts.new > 5000, `day 1 ingests the corpus (${first.counts.new})`);

        for (let i = 1; i < timeline.length; i++) {
          const day = timeline[i];
          const dayCtx = testContext(store, { now: `${day.date}T23:59:00Z` });
          const [report] = await scanAll(dayCtx, { ref: day.commit });
          assert.equal(report.status, 'ok', `${day.date}: ${JSON.stringify(report.errors)}`);
          assert.deepEqual(report.errors, [], `${day.date}: no file errors`);
          const truth = gitDiff(repo, timeline[i - 1].commit, day.commit).filter(
            (c) =>
              isArticlePath(c.path, 'support/') ||
              (c.oldPath !== undefined && isArticlePath(c.oldPath, 'support/')),
          );
          const added = new Set(truth.filter((c) => c.status === 'A').map((c) => c.path));
          const modified = new Set(truth.filter((c) => c.status === 'M').map((c) => c.path));
          const deleted = new Set(truth.filter((c) => c.status === 'D').map((c) => c.path));
          const renamed = new Map(truth.filter((c) => c.status === 'R').map((c) => [c.path, c.oldPath!]));
          const reported = new Map(report.changes.map((c) => [c.path, c]));
          const consumedDeletes = new Set<string>();

          for (const c of report.changes) {
            const where = `${day.date} ${c.kind} ${c.path}`;
            if (c.kind === 'removed') {
              assert.ok(
                deleted.has(c.path) || [...renamed.values()].includes(c.path),
                `${where}: git deleted it`,
              );
            } else if (c.kind === 'new') {
              assert.ok(
                added.has(c.path) ||
                  (renamed.has(c.path) && !isArticlePath(renamed.get(c.path)!, 'support/')),
                `${where}: git added it`,
              );
            } else if (renamed.has(c.path)) {
              assert.equal(
                c.previousPath,
                renamed.get(c.path),
                `${where}: previous path is git's rename source`,
              );
            } else if (c.previousPath && added.has(c.path) && deleted.has(c.previousPath)) {
              // Identity by KB number: git sees a delete and an add of one article.
              consumedDeletes.add(c.previousPath);
              identityCases.push(
                `${day.date}: ${c.previousPath} → ${c.path} (KB ${c.kb}): git reports D + A, kbwatch reports ${c.kind} because both files carry KB ${c.kb}`,
              );
            } else {
              assert.ok(
                modified.has(c.path) && c.kind !== 'moved' && !c.previousPath,
                `${where}: git modified it`,
              );
            }
          }
          for (const p of added)
            assert.ok(reported.has(p), `${day.date}: git added ${p}, kbwatch reported nothing`);
          for (const p of modified)
            assert.ok(
              ['updated', 'metadata'].includes(reported.get(p)?.kind ?? ''),
              `${day.date}: git modified ${p}, kbwatch reported ${reported.get(p)?.kind}`,
            );
          for (const [p] of renamed)
            assert.ok(reported.has(p), `${day.date}: git renamed to ${p}, kbwatch reported nothing`);
          for (const p of deleted) {
            if (consumedDeletes.has(p)) continue;
            assert.equal(
              report.changes.find((c) => c.path === p)?.kind,
              'removed',
              `${day.date}: git deleted ${p}`,
            );
          }

          if (day.date === '2022-12-30') {
            const renames = [...renamed];
            assert.equal(renames.length, 226);
            const kinds = renames.map(([p]) => reported.get(p)!.kind);
            assert.ok(
              !kinds.includes('new') && !kinds.includes('removed'),
              'no new or removed for the renames',
            );
            const identical = truth.filter(
              (c) => c.status === 'R' && git100(repo, timeline[i - 1].commit, day.commit, c.oldPath!, c.path),
            );
            assert.equal(identical.length, 184);
            for (const c of identical)
              assert.equal(reported.get(c.path)!.kind, 'moved', `${c.path} is identical: moved`);
            for (const [newPath, oldPath] of renames) {
              const viaOld = await findArticleByPath(store.db, oldPath);
              const viaNew = await findArticleByPath(store.db, newPath);
              assert.ok(
                viaOld && viaNew && viaOld.id === viaNew.id,
                `${oldPath} still resolves to the article`,
              );
              assert.equal(viaOld.path, newPath);
              assert.ok((await revisionsOf(store.db, viaOld.id)).length >= 1);
            }
          }
        }
        if (identityCases.length)
          console.log(`identity cases where kbwatch differs from git:\n  ${identityCases.join('\n  ')}`);
      } finally {
        await store.close();
      }
    });
  });
}

import { git } from './shared-kb.ts';
function git100(repo: string, from: string, to: string, oldPath: string, newPath: string): boolean {
  return (
    git(repo, ['rev-parse', `${from}:${oldPath}`]).trim() ===
    git(repo, ['rev-parse', `${to}:${newPath}`]).trim()
  );
}
