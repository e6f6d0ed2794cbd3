import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Query } from './ast.ts';
import { QueryError } from './errors.ts';
import { kbJump, parse } from './parser.ts';

const w = (text: string): Query => ({ kind: 'word', text });
const and = (...terms: Query[]): Query => ({ kind: 'and', terms });
const or = (...terms: Query[]): Query => ({ kind: 'or', terms });
const not = (term: Query): Query => ({ kind: 'not', term });

/** The QueryError `parse(input)` throws. */
function failure(input: string): QueryError {
  try {
    parse(input);
  } catch (err) {
    assert.ok(err instanceof QueryError, `${JSON.stringify(input)} threw ${String(err)}`);
    return err;
  }
  assert.fail(`${JSON.stringify(input)} parsed`);
}

describe('parse', () => {
  it('reads words as an implicit AND', () => {
    assert.deepEqual(parse('windows'), w('windows'));
    assert.deepEqual(parse('  windows   server 2019 '), and(w('windows'), w('server'), w('2019')));
  });

  it('reads quoted phrases, collapsing whitespace', () => {
    assert.deepEqual(parse('"exact   phrase" x'), and({ kind: 'phrase', text: 'exact phrase' }, w('x')));
  });

  it('binds OR tighter than the implicit AND', () => {
    assert.deepEqual(parse('exchange 2016 OR 2019'), and(w('exchange'), or(w('2016'), w('2019'))));
    assert.deepEqual(parse('a OR b OR c'), or(w('a'), w('b'), w('c')));
    assert.deepEqual(parse('a or b'), and(w('a'), w('or'), w('b')));
  });

  it('accepts AND and NOT in capitals', () => {
    assert.deepEqual(parse('a AND b NOT c'), and(w('a'), w('b'), not(w('c'))));
  });

  it('excludes words, phrases, fields and groups', () => {
    assert.deepEqual(parse('a -b'), and(w('a'), not(w('b'))));
    assert.deepEqual(parse('-"x y"'), not({ kind: 'phrase', text: 'x y' }));
    assert.deepEqual(parse('-kb:12'), not({ kind: 'field', field: 'kb', text: '12', quoted: false }));
    assert.deepEqual(parse('a -(b OR c)'), and(w('a'), not(or(w('b'), w('c')))));
    assert.deepEqual(parse('-(-a)'), w('a'));
  });

  it('treats a dash inside or after text as a separator, not an exclusion', () => {
    assert.deepEqual(parse('a- b'), and(w('a'), w('b')));
    assert.deepEqual(parse('a--b'), and(w('a'), w('b')));
    assert.deepEqual(parse('- a'), w('a'));
  });

  it('flattens groups', () => {
    assert.deepEqual(parse('(a b) c'), and(w('a'), w('b'), w('c')));
    assert.deepEqual(parse('((a))'), w('a'));
    assert.deepEqual(parse('(a OR b) OR c'), or(w('a'), w('b'), w('c')));
    assert.deepEqual(parse('(a b) OR c'), or(and(w('a'), w('b')), w('c')));
  });

  it('reads every field, with word or phrase values', () => {
    assert.deepEqual(parse('title:socket'), { kind: 'field', field: 'title', text: 'socket', quoted: false });
    assert.deepEqual(parse('Product:"Windows Server 2019"'), {
      kind: 'field',
      field: 'product',
      text: 'Windows Server 2019',
      quoted: true,
    });
    for (const field of ['tech', 'keyword', 'source'] as const) {
      assert.deepEqual(parse(`${field}:kbWinsock`), {
        kind: 'field',
        field,
        text: 'kbWinsock',
        quoted: false,
      });
    }
    assert.deepEqual(parse('tech:windows-server-2019'), {
      kind: 'field',
      field: 'tech',
      text: 'windows-server-2019',
      quoted: false,
    });
  });

  it('normalises kb: values to the bare number', () => {
    for (const v of ['307175', 'KB307175', 'q0307175']) {
      assert.deepEqual(parse(`kb:${v}`), { kind: 'field', field: 'kb', text: '307175', quoted: false });
    }
  });

  it('reads date comparisons; no operator means that day', () => {
    for (const op of ['>', '>=', '<', '<=', '='] as const) {
      assert.deepEqual(parse(`updated:${op}2022-12-01`), {
        kind: 'date',
        field: 'updated',
        op,
        date: '2022-12-01',
      });
    }
    assert.deepEqual(parse('reviewed:2021-01-01'), {
      kind: 'date',
      field: 'reviewed',
      op: '=',
      date: '2021-01-01',
    });
    assert.deepEqual(parse('(updated:<2023-01-01)'), {
      kind: 'date',
      field: 'updated',
      op: '<',
      date: '2023-01-01',
    });
  });

  it("keeps _ . - ' inside words and splits on other punctuation", () => {
    assert.deepEqual(
      parse("0x80070005 Windows-10 v1.2.3 don't SO_REUSEADDR"),
      and(w('0x80070005'), w('Windows-10'), w('v1.2.3'), w("don't"), w('SO_REUSEADDR')),
    );
    assert.deepEqual(parse('.NET C# C++ end.'), and(w('NET'), w('C'), w('C'), w('end')));
    assert.deepEqual(parse('Error: 0x80070005'), and(w('Error'), w('0x80070005')));
    assert.deepEqual(parse('C:\\Windows\\System32'), and(w('C'), w('Windows'), w('System32')));
    assert.deepEqual(parse('café naïve'), and(w('café'), w('naïve')));
  });

  it('drops FTS and SQL meta-characters', () => {
    assert.deepEqual(parse("'; DROP TABLE articles; --"), and(w('DROP'), w('TABLE'), w('articles')));
    assert.deepEqual(parse('socket* ^port %x% \\y | z'), and(w('socket'), w('port'), w('x'), w('y'), w('z')));
    assert.deepEqual(parse('NEAR(a b)'), and(w('NEAR'), w('a'), w('b')));
    assert.deepEqual(parse('{title}:x'), and(w('title'), w('x')));
  });
});

describe('parse errors', () => {
  const cases: Array<[string, string, number, number]> = [
    ['windows "abc', 'unclosed quote', 8, 4],
    ['foo:bar', 'unknown field "foo:"', 0, 4],
    ['a OR', 'expected a term after OR', 2, 2],
    ['a OR -', 'expected a term after OR', 2, 2],
    ['OR a', 'expected a term before OR', 0, 2],
    ['a AND', 'expected a term after AND', 2, 3],
    ['a NOT', 'expected a term after NOT', 2, 3],
    ['(a OR b', 'unbalanced "("', 0, 1],
    ['a b) c', 'unbalanced ")"', 3, 1],
    ['a ()', 'empty group "()"', 2, 2],
    ['', 'empty query', 0, 0],
    ['  *  ', 'empty query', 0, 5],
    ['"  "', 'empty phrase', 0, 4],
    ['updated:2022-13-01', 'bad date "2022-13-01"', 8, 10],
    ['reviewed:<2021-02-29', 'bad date "2021-02-29"', 10, 10],
    ['updated:>=yesterday', 'bad date "yesterday"', 10, 9],
    ['x updated:', 'expected a date after "updated:"', 2, 8],
    ['title: socket', 'expected a word or "phrase" after "title:"', 0, 6],
    ['kb:abc', '"kb:" expects a KB number', 3, 3],
    ['kb:"307175"', '"kb:" expects a KB number', 3, 8],
  ];
  for (const [input, what, position, length] of cases) {
    it(`${JSON.stringify(input)} → ${what} at ${position}`, () => {
      const err = failure(input);
      assert.ok(err.message.startsWith(`query: ${what}`), err.message);
      assert.match(err.message, new RegExp(`at position ${position}\\b`));
      assert.equal(err.position, position);
      assert.equal(err.length, length);
    });
  }

  it('limits the length to 500 characters', () => {
    const err = failure('a'.repeat(501));
    assert.match(err.message, /^query: too long \(501 characters, at most 500\) at position 500$/);
    assert.doesNotThrow(() => parse('a'.repeat(500)));
  });

  it('limits the number of terms to 50', () => {
    const words = Array.from({ length: 51 }, (_, i) => `w${i}`);
    const err = failure(words.join(' '));
    assert.match(err.message, /too many terms/);
    assert.equal(err.position, words.slice(0, 50).join(' ').length + 1);
    assert.doesNotThrow(() => parse(words.slice(0, 50).join(' ')));
  });

  it('names the known fields when one is unknown', () => {
    assert.match(
      failure('x:1').message,
      /known fields: title: product: tech: keyword: kb: source: updated: reviewed:$/,
    );
  });
});

describe('kbJump', () => {
  it('finds KB numbers in every spelling', () => {
    for (const q of ['KB307175', 'kb307175', 'Q307175', 'kb:307175', '307175', ' 307175 ', 'kb:KB307175'])
      assert.equal(kbJump(q), 307175, q);
    assert.equal(kbJump(parse('Q127144')), 127144);
  });

  it('is null for anything else', () => {
    for (const q of [
      'KB307175 socket',
      'KB',
      'kbwinsock',
      '0',
      'kb:0',
      '-KB307175',
      '"307175"',
      'title:307175',
      'KB1234567890',
      '"unclosed',
    ]) {
      assert.equal(kbJump(q), null, q);
    }
  });
});
