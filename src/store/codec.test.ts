import assert from 'node:assert/strict';
import { describe, it, test } from 'node:test';
import { chunks, groupBy, jsonList, jsonObject, parseSummary } from './codec.ts';

describe('store: codec', () => {
  it('splits a list into batches of at most the given size, 300 by default', () => {
    assert.deepEqual(chunks([]), []);
    assert.deepEqual(chunks([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]]);
    assert.deepEqual(chunks([1, 2, 3, 4], 2), [
      [1, 2],
      [3, 4],
    ]);
    const big = Array.from({ length: 301 }, (_, i) => i);
    assert.deepEqual(
      chunks(big).map((c) => c.length),
      [300, 1],
    );
    assert.deepEqual(chunks(big).flat(), big, 'every item once, in order');
    const input = [1, 2, 3];
    chunks(input, 1)[0].push(9);
    assert.deepEqual(input, [1, 2, 3], 'batches are copies');
  });

  it('reads a JSON list of strings, and anything else as no items', () => {
    assert.deepEqual(jsonList('["Windows 10","Exchange"]'), ['Windows 10', 'Exchange']);
    assert.deepEqual(jsonList('[1, null, "a", true]'), ['1', 'a', 'true']);
    for (const text of [null, undefined, '', 'not json', '{"a":1}', '"text"', '42', 'null'])
      assert.deepEqual(jsonList(text), [], String(text));
  });

  it('reads a JSON object, and null for empty text, lists, scalars and broken JSON', () => {
    assert.deepEqual(jsonObject('{"path":"support/","n":1}'), { path: 'support/', n: 1 });
    assert.deepEqual(jsonObject('{}'), {});
    for (const text of [null, undefined, '', '[1]', 'null', '3', '"x"', '{broken'])
      assert.equal(jsonObject(text), null, String(text));
  });

  it('reads a change summary with defaults for missing or mistyped fields', () => {
    assert.deepEqual(
      parseSummary('{"sections":["Cause","Resolution"],"wordsAdded":25,"wordsRemoved":4,"minor":false}'),
      { sections: ['Cause', 'Resolution'], wordsAdded: 25, wordsRemoved: 4, minor: false },
    );
    assert.deepEqual(parseSummary('{}'), { sections: [], wordsAdded: 0, wordsRemoved: 0, minor: false });
    assert.deepEqual(parseSummary('{"sections":"Cause","wordsAdded":"7","wordsRemoved":"many","minor":1}'), {
      sections: [],
      wordsAdded: 7,
      wordsRemoved: 0,
      minor: true,
    });
    assert.deepEqual(parseSummary('{"sections":[1,"Steps"]}')?.sections, ['1', 'Steps']);
    for (const text of [null, undefined, '', '[]', 'not json', 'null'])
      assert.equal(parseSummary(text), null, String(text));
  });
});

test('groupBy keeps each group in input order, optionally mapping the values', () => {
  const rows = [
    { t: 'a', id: 1 },
    { t: 'b', id: 2 },
    { t: 'a', id: 3 },
  ];
  assert.deepEqual(
    [
      ...groupBy(
        rows,
        (r) => r.t,
        (r) => r.id,
      ),
    ],
    [
      ['a', [1, 3]],
      ['b', [2]],
    ],
  );
  assert.deepEqual(groupBy(rows, (r) => r.t).get('b'), [rows[1]]);
  assert.equal(groupBy([], (r: { t: string }) => r.t).size, 0);
});
