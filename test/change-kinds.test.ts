/**
 * The rule that separates `updated` from `metadata` (src/model/change.ts), one fixture per case,
 * and the Office corpus's bulk-metadata day.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, createStore, skipReason } from './stores.ts';
import { testContext } from './context.ts';
import { GitFixture, article } from './git-fixture.ts';
import { days, gitDiff, repoCopy, sharedSkipReason } from './shared-kb.ts';
import { addSource } from '../src/scan/sources.ts';
import { scanAll } from '../src/scan/run.ts';

const base = (extra: Partial<Parameters<typeof article>[0]> = {}) =>
  article({
    title: 'Printer stops responding',
    kb: 2000,
    body: 'Click the **Start** button, then select [Settings](https://example.test/settings).',
    custom: 'sap:printing',
    ...extra,
  });

/** Each case: how the file changes, and what kbwatch must call it. */
const CASES: {
  name: string;
  kind: string;
  edit: (text: string) => string;
  move?: boolean;
  minor?: boolean;
}[] = [
  {
    name: 'front matter date',
    kind: 'metadata',
    edit: (t) => t.replace('ms.date: 01/15/2022', 'ms.date: 03/01/2023'),
  },
  {
    name: 'front matter tag added',
    kind: 'metadata',
    edit: (t) => t.replace('ms.custom: sap:printing', 'ms.custom: sap:printing, kbprint'),
  },
  {
    name: 'description only',
    kind: 'metadata',
    edit: (t) => t.replace(/^description: .*$/m, 'description: A different summary.'),
  },
  {
    name: 'trailing whitespace and line wrapping',
    kind: 'metadata',
    edit: (t) => t.replace('Restart the service.', 'Restart the   \nservice.  '),
  },
  { name: 'formatting: bold removed', kind: 'metadata', edit: (t) => t.replace('**Start**', 'Start') },
  {
    name: 'formatting: link target changed',
    kind: 'metadata',
    edit: (t) => t.replace('https://example.test/settings', 'https://example.test/new-settings'),
  },
  {
    name: 'one word changed',
    kind: 'updated',
    minor: true,
    edit: (t) => t.replace('Click the', 'Select the'),
  },
  {
    name: 'paragraph added',
    kind: 'updated',
    minor: false,
    edit: (t) =>
      t.replace(
        'Restart the service.',
        'Restart the service.\n\nIf the printer still does not respond, remove it and add it again from the Devices page.',
      ),
  },
  {
    name: 'title changed',
    kind: 'updated',
    edit: (t) => t.replace('# Printer stops responding', '# Printer stops responding after an update'),
  },
  { name: 'moved unchanged', kind: 'moved', move: true, edit: (t) => t },
  {
    name: 'moved with a metadata edit',
    kind: 'metadata',
    move: true,
    edit: (t) => t.replace('ms.date: 01/15/2022', 'ms.date: 03/01/2023'),
  },
  {
    name: 'moved with a text edit',
    kind: 'updated',
    move: true,
    edit: (t) => t.replace('Click the', 'Select the'),
  },
];

for (const dialect of DIALECTS) {
  describe(`updated vs metadata (${dialect})`, async () => {
    const skip = await skipReason(dialect);

    test('each rule on hand-made fixtures', { skip, timeout: 120_000 }, async () => {
      const store = await createStore(dialect);
      try {
        const repo = new GitFixture();
        CASES.forEach((c, i) =>
          repo.write(
            `support/case/c${i}.md`,
            base({ kb: 2000 + i, title: `Case ${i} printer stops responding` }).replace(
              '# Printer stops responding',
              `# Case ${i} printer stops responding`,
            ),
          ),
        );
        repo.commit('before');
        const ctx = testContext(store);
        await addSource(ctx, {
          kind: 'git',
          location: repo.url,
          name: 'fixture',
          options: { path: 'support/' },
        });
        await scanAll(ctx, {});
        CASES.forEach((c, i) => {
          const path = `support/case/c${i}.md`;
          const original = base({ kb: 2000 + i, title: `Case ${i} printer stops responding` }).replace(
            '# Printer stops responding',
            `# Case ${i} printer stops responding`,
          );
          const edited = c
            .edit(original.replace(`# Case ${i} printer stops responding`, '# Printer stops responding'))
            .replace('# Printer stops responding', `# Case ${i} printer stops responding`);
          if (c.move) repo.move(path, `support/moved/c${i}.md`);
          repo.write(c.move ? `support/moved/c${i}.md` : path, edited);
        });
        repo.commit('after');
        const [r] = await scanAll(ctx, {});
        CASES.forEach((c, i) => {
          const change = r.changes.find((x) => x.kb === 2000 + i);
          assert.ok(change, `${c.name}: reported`);
          assert.equal(change.kind, c.kind, c.name);
          if (c.move) assert.equal(change.previousPath, `support/case/c${i}.md`, `${c.name}: previous path`);
        });
        const rows = await store.db
          .selectFrom('changes')
          .select(['kb', 'minor', 'summary'])
          .where('kind', '=', 'updated')
          .execute();
        for (const c of CASES.filter((x) => x.minor !== undefined)) {
          const row = rows.find((x) => x.kb === 2000 + CASES.indexOf(c))!;
          assert.equal(row.minor === 1, c.minor, `${c.name}: minor`);
          assert.ok(JSON.parse(row.summary!).sections.length > 0, `${c.name}: sections touched`);
        }
        const revs = await store.db.selectFrom('articles').select(['kb', 'revision']).execute();
        const rev = (i: number) => revs.find((a) => a.kb === 2000 + i)!.revision;
        assert.equal(rev(0), '1.1', 'metadata bumps the minor number');
        assert.equal(rev(6), '2.0', 'an update bumps the major number');
        assert.equal(rev(9), '1.0', 'a move keeps the revision');
      } finally {
        await store.close();
      }
    });

    const officeSkip = sharedSkipReason('office-support.git');
    test(
      'the Office bulk day (2024-08-19) is metadata, not a flood of updates',
      { skip: skip || officeSkip, timeout: 600_000 },
      async () => {
        const store = await createStore(dialect);
        try {
          const repo = repoCopy('office-support.git');
          const timeline = days(repo);
          const i = timeline.findIndex((d) => d.date === '2024-08-19');
          const ctx = testContext(store);
          await addSource(ctx, {
            kind: 'git',
            location: `file://${repo}`,
            name: 'office',
            options: { path: '', urlTemplate: 'learn-office' },
          });
          await scanAll(ctx, { ref: timeline[i - 1].commit });
          const [r] = await scanAll(ctx, { ref: timeline[i].commit });
          const modified = gitDiff(repo, timeline[i - 1].commit, timeline[i].commit, '*.md').filter(
            (c) => c.status === 'M',
          ).length;
          assert.ok(modified >= 1300);
          assert.equal(r.counts.new + r.counts.removed + r.counts.moved, 0);
          assert.equal(r.counts.updated + r.counts.metadata, modified - r.counts.errors);
          assert.ok(r.counts.metadata > 1200, `metadata ${r.counts.metadata}, updated ${r.counts.updated}`);
          const minor = await store.db
            .selectFrom('changes')
            .select((eb) => eb.fn.countAll().as('n'))
            .where('kind', '=', 'updated')
            .where('minor', '=', 1)
            .executeTakeFirstOrThrow();
          console.log(
            `office 2024-08-19: ${modified} modified files → ${r.counts.metadata} metadata, ${r.counts.updated} updated (${minor.n} minor)`,
          );
        } finally {
          await store.close();
        }
      },
    );
  });
}
