import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matches } from '../query/match.ts';
import { parse } from '../query/parser.ts';
import { evaluateQueries } from './match.ts';
import { WordIndex } from './prefilter.ts';
import type { WindowArticle } from './types.ts';

const article = (
  id: number,
  title: string,
  body: string,
  extra: Partial<WindowArticle['doc']> = {},
): WindowArticle => ({
  id,
  kb: 100 + id,
  title,
  sourceId: 1,
  path: `a${id}.md`,
  url: null,
  technologyIds: [],
  changes: [],
  doc: {
    title,
    description: '',
    body,
    products: [],
    areas: [],
    keywords: [],
    technologies: [],
    kb: 100 + id,
    source: 'support',
    updated: '2026-10-20T00:00:00Z',
    reviewed: null,
    ...extra,
  },
});

const ARTICLES = [
  article(
    1,
    'Windows Server updates fail',
    'Installing the updates stops with 0x80070005 on Windows-10 clients.',
  ),
  article(2, 'SQL Server backups', 'The backup job fails when the disk is full.', {
    products: ['SQL Server 2019'],
    technologies: ['sql-server'],
  }),
  article(
    3,
    'Exchange Online mailbox migration',
    'Moving a mailbox with the "New-MoveRequest" cmdlet fails.',
    { reviewed: '2021-01-01' },
  ),
  article(4, 'Résumé of crashes', 'Crashed services are restarted by the cluster service.'),
];

const QUERIES = [
  'update',
  'updates fail',
  '"updates stops"',
  'Windows-10',
  'title:backups',
  'title:"mailbox migration"',
  'backup OR mailbox',
  'cluster -windows',
  '-sql',
  'product:"SQL Server"',
  'tech:sql-server',
  'kb:103',
  'KB102',
  '102',
  'reviewed:<2022-01-01',
  '(fail OR crash) server',
  'resume',
  'crash',
  'updat*',
  'nothing-here',
  '0x80070005',
  'new-moverequest',
];

test('candidates always include every article the matcher accepts', () => {
  const index = new WordIndex(ARTICLES);
  for (const text of QUERIES) {
    const q = parse(text);
    const candidates = index.candidates(q);
    for (const a of ARTICLES) {
      if (matches(q, a.doc))
        assert.ok(
          candidates === null || candidates.has(a.id),
          `${text} matches article ${a.id} but the index ruled it out`,
        );
    }
  }
});

test('the index narrows plain word queries', () => {
  const index = new WordIndex(ARTICLES);
  assert.deepEqual([...index.candidates(parse('updates fail'))!], [1]);
  assert.deepEqual([...index.candidates(parse('nothing-here'))!], []);
  assert.equal(index.candidates(parse('-sql')), null);
});

test('evaluateQueries gives what the matcher gives article by article', () => {
  const { hits, invalid } = evaluateQueries([...QUERIES, 'title:(', ''], ARTICLES);
  assert.deepEqual([...invalid.keys()].sort(), ['', 'title:(']);
  for (const text of QUERIES) {
    const expected = ARTICLES.filter((a) => matches(parse(text), a.doc)).map((a) => a.id);
    assert.deepEqual([...(hits.get(text) ?? [])].sort(), expected, text);
  }
});
