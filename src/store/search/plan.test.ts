import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { format, parse } from '../../query/index.ts';
import { compile, split } from './plan.ts';
import { postgresTsquery } from './postgres-tsquery.ts';
import { sqliteFts5 } from './sqlite-fts5.ts';

const parts = (text: string, d = sqliteFts5) => {
  const { jump, text: ranked, filters } = split(parse(text), d);
  return { jump, text: ranked && format(ranked), filters: filters.map(format) };
};

describe('split', () => {
  it('ranks the top-level full-text terms and filters by the rest', () => {
    assert.deepEqual(parts('socket port'), { jump: null, text: 'socket port', filters: [] });
    assert.deepEqual(parts('socket -port tech:sql updated:>2022-01-01'), {
      jump: null,
      text: 'socket -port',
      filters: ['tech:sql', 'updated:>2022-01-01'],
    });
    assert.deepEqual(parts('(a OR kb:1) b -c'), { jump: null, text: 'b -c', filters: ['a OR kb:1'] });
  });

  it('ranks nothing when no term is a positive full-text term', () => {
    assert.deepEqual(parts('-socket -port'), { jump: null, text: null, filters: ['-socket', '-port'] });
    assert.deepEqual(parts('tech:sql'), { jump: null, text: null, filters: ['tech:sql'] });
  });

  it('asks the dialect what one full-text expression can hold', () => {
    // FTS5's NOT needs a left operand; a tsquery takes `!!` anywhere.
    assert.deepEqual(parts('a OR -b'), { jump: null, text: null, filters: ['a OR -b'] });
    assert.deepEqual(parts('a OR -b', postgresTsquery), { jump: null, text: 'a OR -b', filters: [] });
  });

  it('takes a lone KB number as a jump, with nothing ranked', () => {
    assert.deepEqual(parts('KB307175'), { jump: 307175, text: null, filters: [] });
    assert.deepEqual(parts('kb:307175'), { jump: null, text: null, filters: ['kb:307175'] });
  });
});

describe('compile', () => {
  it('ranks with the index when there is text, else selects from the articles', () => {
    for (const d of [sqliteFts5, postgresTsquery]) {
      const ranked = compile(parse('socket tech:sql'), d, {}, new Map());
      assert.ok('hits' in ranked && ranked.text !== null && format(ranked.text) === 'socket');
      const filtered = compile(parse('-socket'), d, {}, new Map());
      assert.ok('matching' in filtered && filtered.text === null);
    }
  });
});
