/**
 * The change classifier on plain inputs, one row per rule of README's "What counts as a change"
 * and per identity case: what is stored, what the scan saw, what must be decided.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { article } from '../../test/git-fixture.ts';
import type { ParsedArticle } from '../model/article.ts';
import { contentHash, metaHash, rawHash } from '../model/change.ts';
import type { SeenDecision } from '../model/decision.ts';
import { parseMarkdownArticle } from '../sources/markdown.ts';
import type { StoredArticle } from '../store/articles.ts';
import { classifyGone, identifyBatch, summarize, updatedArticleIds, type StoredState } from './classify.ts';
import type { Seen } from './plan.ts';

const GIT = 1;
const CLASSIC = 2;

const BASE = article({
  title: 'Printer stops responding',
  kb: 2000,
  body: 'Click the **Start** button, then select [Settings](https://example.test/settings).',
  custom: 'sap:printing',
});
const PATH = 'support/printing/printer-stops.md';

function parsed(text: string, path = PATH): ParsedArticle {
  const a = parseMarkdownArticle(path, text, {
    urlTemplate: '{file}',
    root: 'support/',
    maxBytes: 1_000_000,
  });
  return { ...a, rawHash: rawHash(text) };
}

/** The stored article a parsed file became (id, source and state as given). */
function stored(
  id: number,
  a: ParsedArticle,
  extra: Partial<Pick<StoredArticle, 'source_id' | 'retired' | 'revision' | 'revision_count'>> = {},
): StoredArticle {
  return {
    id,
    key: a.kb === null ? `${extra.source_id ?? GIT}:${a.path}` : `kb:${a.kb}`,
    kb: a.kb,
    source_id: GIT,
    path: a.path,
    title: a.title,
    content_hash: contentHash(a),
    meta_hash: metaHash(a),
    revision: '1.0',
    revision_count: 1,
    retired: 0,
    ...extra,
  };
}

const before = parsed(BASE);
const edited = (edit: (text: string) => string, path = PATH) => parsed(edit(BASE), path);
const noKb = (a: ParsedArticle): ParsedArticle => ({ ...a, kb: null });

/** A decision reduced to what the rules are about. */
function brief(d: SeenDecision) {
  switch (d.kind) {
    case 'unchanged':
      return { kind: d.kind, id: d.articleId };
    case 'attach':
      return { kind: d.kind, id: d.articleId, keepAs: d.keepAs };
    case 'new':
      if (d.origin === 'fresh') return { kind: d.kind, key: d.key };
      return { kind: d.kind, origin: d.origin, id: d.articleId, revision: d.revision, from: d.previousPath };
    case 'updated':
      return {
        kind: d.kind,
        id: d.articleId,
        revision: d.revision,
        from: d.previousPath,
        minor: d.summary.minor,
      };
    default:
      return { kind: d.kind, id: d.articleId, revision: d.revision, from: d.previousPath };
  }
}

interface Row {
  rule: string;
  /** Stored articles; those of the scanned source are reachable by their path. */
  stored?: StoredArticle[];
  /** Old paths (aliases) of the scanned source and the article each leads to. */
  aliases?: [string, number][];
  seen: Seen[];
  source?: number;
  leaving?: string[];
  expect: ReturnType<typeof brief>[];
}

const ROWS: Row[] = [
  { rule: 'new: not seen before', seen: [{ article: before }], expect: [{ kind: 'new', key: 'kb:2000' }] },
  {
    rule: 'new: no KB number, the path is the identity',
    seen: [{ article: noKb(before) }],
    expect: [{ kind: 'new', key: `${GIT}:${PATH}` }],
  },
  {
    rule: 'new: back after removal',
    stored: [stored(7, before, { retired: 1, revision: '1.1', revision_count: 2 })],
    seen: [{ article: before }],
    expect: [{ kind: 'new', origin: 'returned', id: 7, revision: '2.0', from: null }],
  },
  {
    rule: 'unchanged: the same file again',
    stored: [stored(7, before)],
    seen: [{ article: before }],
    expect: [{ kind: 'unchanged', id: 7 }],
  },
  {
    rule: 'updated: the title changed',
    stored: [stored(7, before)],
    seen: [
      { article: edited((t) => t.replace('# Printer stops responding', '# Printer stops after an update')) },
    ],
    expect: [{ kind: 'updated', id: 7, revision: '2.0', from: null, minor: false }],
  },
  {
    rule: 'updated: words of the body changed (a paragraph added is not minor)',
    stored: [stored(7, before, { revision: '1.3' })],
    seen: [
      {
        article: edited((t) =>
          t.replace(
            'Restart the service.',
            'Restart the service.\n\nIf the printer still does not respond, remove it and add it again from the Devices page.',
          ),
        ),
      },
    ],
    expect: [{ kind: 'updated', id: 7, revision: '2.0', from: null, minor: false }],
  },
  {
    rule: 'updated: one word changed is minor',
    stored: [stored(7, before)],
    seen: [{ article: edited((t) => t.replace('Click the', 'Select the')) }],
    expect: [{ kind: 'updated', id: 7, revision: '2.0', from: null, minor: true }],
  },
  {
    rule: 'metadata: a front matter date',
    stored: [stored(7, before)],
    seen: [{ article: edited((t) => t.replace('ms.date: 01/15/2022', 'ms.date: 03/01/2023')) }],
    expect: [{ kind: 'metadata', id: 7, revision: '1.1', from: null }],
  },
  {
    rule: 'metadata: a front matter tag added',
    stored: [stored(7, before, { revision: '3.2' })],
    seen: [
      { article: edited((t) => t.replace('ms.custom: sap:printing', 'ms.custom: sap:printing, kbprint')) },
    ],
    expect: [{ kind: 'metadata', id: 7, revision: '3.3', from: null }],
  },
  {
    rule: 'metadata: the description only',
    stored: [stored(7, before)],
    seen: [{ article: edited((t) => t.replace(/^description: .*$/m, 'description: A different summary.')) }],
    expect: [{ kind: 'metadata', id: 7, revision: '1.1', from: null }],
  },
  {
    rule: 'metadata: whitespace and line wrapping',
    stored: [stored(7, before)],
    seen: [{ article: edited((t) => t.replace('Restart the service.', 'Restart the   \nservice.  ')) }],
    expect: [{ kind: 'metadata', id: 7, revision: '1.1', from: null }],
  },
  {
    rule: 'metadata: formatting (emphasis removed)',
    stored: [stored(7, before)],
    seen: [{ article: edited((t) => t.replace('**Start**', 'Start')) }],
    expect: [{ kind: 'metadata', id: 7, revision: '1.1', from: null }],
  },
  {
    rule: 'metadata: formatting (a link target)',
    stored: [stored(7, before)],
    seen: [
      { article: edited((t) => t.replace('https://example.test/settings', 'https://example.test/new')) },
    ],
    expect: [{ kind: 'metadata', id: 7, revision: '1.1', from: null }],
  },
  {
    rule: 'moved: a rename git reports, same text',
    stored: [stored(7, before)],
    seen: [{ article: parsed(BASE, 'support/moved/printer.md'), previousPath: PATH }],
    expect: [{ kind: 'moved', id: 7, revision: '1.0', from: { sourceId: GIT, path: PATH } }],
  },
  {
    rule: 'moved: the KB number left a deleted file for a new one',
    stored: [stored(7, before)],
    seen: [{ article: parsed(BASE, 'support/moved/printer.md') }],
    leaving: [PATH],
    expect: [{ kind: 'moved', id: 7, revision: '1.0', from: { sourceId: GIT, path: PATH } }],
  },
  {
    rule: 'moved with a metadata edit is metadata',
    stored: [stored(7, before)],
    seen: [
      {
        article: edited(
          (t) => t.replace('ms.date: 01/15/2022', 'ms.date: 03/01/2023'),
          'support/moved/printer.md',
        ),
        previousPath: PATH,
      },
    ],
    expect: [{ kind: 'metadata', id: 7, revision: '1.1', from: { sourceId: GIT, path: PATH } }],
  },
  {
    rule: 'identity: a rename with edits keeps the article',
    stored: [stored(7, before)],
    seen: [
      {
        article: edited((t) => t.replace('Click the', 'Select the'), 'support/moved/printer.md'),
        previousPath: PATH,
      },
    ],
    expect: [{ kind: 'updated', id: 7, revision: '2.0', from: { sourceId: GIT, path: PATH }, minor: true }],
  },
  {
    rule: 'identity: a rename of an article without KB number follows the old path',
    stored: [stored(7, noKb(before))],
    seen: [{ article: noKb(parsed(BASE, 'support/moved/printer.md')), previousPath: PATH }],
    expect: [{ kind: 'moved', id: 7, revision: '1.0', from: { sourceId: GIT, path: PATH } }],
  },
  {
    rule: 'identity: git ranks over classic, the git file takes the article over',
    stored: [stored(9, parsed(BASE, 'txt/2000/Q2000.TXT'), { source_id: CLASSIC })],
    seen: [{ article: before }],
    expect: [
      {
        kind: 'new',
        origin: 'takeover',
        id: 9,
        revision: '2.0',
        from: { sourceId: CLASSIC, path: 'txt/2000/Q2000.TXT' },
      },
    ],
  },
  {
    rule: 'identity: classic after git is attached as an earlier revision, no alert',
    stored: [stored(7, before, { revision: '2.0' })],
    source: CLASSIC,
    seen: [{ article: edited((t) => t.replace('Click the', 'Press the'), 'txt/2000/Q2000.TXT') }],
    expect: [{ kind: 'attach', id: 7, keepAs: '2.0' }],
  },
  {
    rule: 'identity: a classic path already attached, with the text the article shows, adds no revision',
    stored: [stored(7, before)],
    aliases: [['txt/2000/Q2000.TXT', 7]],
    source: CLASSIC,
    seen: [{ article: parsed(BASE, 'txt/2000/Q2000.TXT') }],
    expect: [{ kind: 'attach', id: 7, keepAs: null }],
  },
  {
    rule: 'identity: two live files claim one KB number, the second keeps its path',
    seen: [{ article: before }, { article: parsed(BASE, 'support/copy/printer.md') }],
    expect: [
      { kind: 'new', key: 'kb:2000' },
      { kind: 'new', key: `${GIT}:support/copy/printer.md` },
    ],
  },
  {
    rule: 'identity: a new file with the KB number of a live stored one keeps its path',
    stored: [stored(7, before)],
    seen: [{ article: parsed(BASE, 'support/copy/printer.md') }],
    expect: [{ kind: 'new', key: `${GIT}:support/copy/printer.md` }],
  },
  {
    rule: 'identity: a stored article is claimed by one file of a batch only',
    stored: [stored(7, before)],
    seen: [
      { article: parsed(BASE, 'support/a/printer.md') },
      { article: parsed(BASE, 'support/b/printer.md') },
    ],
    leaving: [PATH],
    expect: [
      { kind: 'moved', id: 7, revision: '1.0', from: { sourceId: GIT, path: PATH } },
      { kind: 'new', key: `${GIT}:support/b/printer.md` },
    ],
  },
];

function stateOf(row: Row, source: number): StoredState {
  const byKb = new Map<number, StoredArticle[]>();
  const byPath = new Map<string, StoredArticle>();
  for (const a of row.stored ?? []) {
    if (a.kb !== null) byKb.set(a.kb, [...(byKb.get(a.kb) ?? []), a]);
    if (a.source_id === source) byPath.set(a.path, a);
  }
  for (const [path, id] of row.aliases ?? []) {
    const a = row.stored?.find((s) => s.id === id);
    if (a) byPath.set(path, a);
  }
  return { byKb, byPath };
}

describe('scan: what counts as a change', () => {
  for (const row of ROWS) {
    test(row.rule, () => {
      const source = row.source ?? GIT;
      const scope = {
        sourceId: source,
        sourceRank: new Map([
          [GIT, 0],
          [CLASSIC, 1],
        ]),
        leaving: new Set(row.leaving ?? []),
      };
      const identified = identifyBatch(row.seen, stateOf(row, source), scope);
      const oldTexts = new Map(updatedArticleIds(identified).map((id) => [id, before.text]));
      assert.deepEqual(summarize(identified, oldTexts).map(brief), row.expect);
    });
  }

  test('an update carries the sections touched and the words added and removed', () => {
    const seen = [{ article: edited((t) => t.replace('Click the', 'Select the')) }];
    const state = stateOf({ rule: '', stored: [stored(7, before)], seen, expect: [] }, GIT);
    const identified = identifyBatch(seen, state, {
      sourceId: GIT,
      sourceRank: new Map(),
      leaving: new Set(),
    });
    const [d] = summarize(identified, new Map([[7, before.text]]));
    assert.equal(d.kind, 'updated');
    if (d.kind === 'updated')
      assert.deepEqual(d.summary, { sections: ['Symptoms'], wordsAdded: 1, wordsRemoved: 1, minor: true });
  });

  test('removed: a path gone retires its article; other gone paths only stop leading to it', () => {
    const live = stored(7, before);
    const byPath = new Map<string, StoredArticle>([
      [PATH, live],
      ['support/old/name.md', live],
      ['support/retired.md', stored(8, parsed(BASE, 'support/retired.md'), { retired: 1 })],
      ['txt/Q1.TXT', stored(9, before, { source_id: CLASSIC })],
    ]);
    const gone = [PATH, 'support/old/name.md', 'support/retired.md', 'txt/Q1.TXT', 'support/never-stored.md'];
    assert.deepEqual(classifyGone(gone, byPath, GIT), [
      { kind: 'removed', articleId: 7, path: PATH, kb: 2000, title: 'Printer stops responding' },
      { kind: 'left', articleId: 7, path: 'support/old/name.md' },
      { kind: 'left', articleId: 8, path: 'support/retired.md' },
      { kind: 'left', articleId: 9, path: 'txt/Q1.TXT' },
    ]);
  });
});
