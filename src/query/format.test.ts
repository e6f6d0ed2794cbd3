import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { QueryError } from './errors.ts';
import { format } from './format.ts';
import { parse } from './parser.ts';

const QUERIES = [
  'windows',
  'windows server 2019',
  '"exact phrase"',
  'a OR b',
  'a OR b OR c',
  'a b OR c',
  '(a b) OR c',
  '(a b) OR (c d)',
  '-excluded',
  'a -b -c',
  '-"x y" z',
  'a -(b OR c)',
  '-(a b) c',
  '-(a b) OR c',
  '-a OR -b',
  '((a OR b) c) OR d',
  'title:socket',
  'title:"bind a socket"',
  'product:"Windows Server 2019"',
  'tech:kbWinsock',
  'keyword:kbnetwork',
  'kb:307175',
  'kb:Q127144',
  'source:support-docs',
  'source:"classic kb"',
  'updated:>=2022-12-01',
  'updated:<2023-01-01',
  'updated:2022-12-05',
  'updated:=2022-12-05',
  'reviewed:<=2021-01-01',
  'reviewed:>2021-01-01',
  'KB307175',
  '307175',
  '0x80070005 Windows-10 v1.2.3',
  "don't panic",
  'Title:Foo',
  'a AND b NOT c',
  'NEAR(a b)',
  'exchange (2016 OR 2019) -title:"known issues" updated:>=2022-01-01',
  '-updated:<2020-01-01 -tech:sql',
  '(tech:exchange OR product:"exchange online") mailbox',
  "'; DROP TABLE articles; --",
];

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

const PIECES = [
  'a',
  'b',
  'Windows-10',
  '"x y"',
  '"',
  '(',
  ')',
  ' ',
  ' ',
  ' ',
  '-',
  'OR',
  'AND',
  'NOT',
  '*',
  '^',
  ':',
  "'",
  ';',
  'title:',
  'kb:',
  'kb:12',
  'tech:sql',
  'updated:>=2022-01-01',
  'reviewed:2021-02-03',
  'NEAR',
  '\\',
  '%',
  '|',
  'é',
  '{',
  '}',
  '.',
];

describe('format', () => {
  it('prints canonical text', () => {
    assert.equal(format(parse('a   b OR   c')), 'a (b OR c)');
    assert.equal(format(parse('(a b) OR c')), '(a b) OR c');
    assert.equal(format(parse('a AND b NOT c')), 'a b -c');
    assert.equal(format(parse('updated:=2022-12-05')), 'updated:2022-12-05');
    assert.equal(format(parse('Title:Foo kb:KB0307175')), 'title:Foo kb:307175');
    assert.equal(format(parse('-(a OR b)')), '-(a OR b)');
    assert.equal(format({ kind: 'word', text: 'OR' }), '"OR"');
  });

  it('round-trips: parse(format(q)) deep-equals q', () => {
    for (const text of QUERIES) {
      const q = parse(text);
      assert.deepEqual(parse(format(q)), q, `${text} → ${format(q)}`);
      assert.equal(format(parse(format(q))), format(q));
    }
  });

  it('round-trips random token soup, and never throws anything but QueryError', () => {
    const next = random(20240115);
    let parsed = 0;
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(next() * 12);
      const text = Array.from({ length: n }, () => PIECES[Math.floor(next() * PIECES.length)]).join(
        next() < 0.5 ? ' ' : '',
      );
      let q;
      try {
        q = parse(text);
      } catch (err) {
        assert.ok(err instanceof QueryError, `${JSON.stringify(text)} threw ${String(err)}`);
        assert.ok(
          err.position >= 0 && err.position <= text.length,
          `${JSON.stringify(text)}: position ${err.position}`,
        );
        continue;
      }
      parsed++;
      assert.deepEqual(parse(format(q)), q, `${JSON.stringify(text)} → ${format(q)}`);
    }
    assert.ok(parsed > 500, `only ${parsed} parsed`);
  });
});
