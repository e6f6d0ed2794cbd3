import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderDiff } from './diff-html.ts';

describe('web: revision diffs', () => {
  it('marks changed words inside changed lines', () => {
    const d = renderDiff(
      'Intro.\nUse SO_REUSEADDR on the listener.\nEnd.',
      'Intro.\nUse SO_EXCLUSIVEADDRUSE on the listener.\nEnd.',
    );
    assert.ok(d.changed);
    assert.match(d.html.value, /<del>SO_REUSEADDR<\/del>/);
    assert.match(d.html.value, /<ins>SO_EXCLUSIVEADDRUSE<\/ins>/);
    assert.match(d.html.value, /Intro\./);
    assert.equal(d.wordsAdded, 1);
    assert.equal(d.wordsRemoved, 1);
  });

  it('escapes the texts', () => {
    const d = renderDiff('<b>old</b>', '<script>alert(1)</script> & new');
    assert.doesNotMatch(d.html.value, /<script>|<b>/);
    assert.match(d.html.value, /&lt;<del>b<\/del><ins>script<\/ins>&gt;/);
    assert.match(d.html.value, /&amp; new/);
  });

  it('folds long unchanged stretches', () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line ${i}`);
    const after = [...lines];
    after[100] = 'line one hundred';
    const d = renderDiff(lines.join('\n'), after.join('\n'));
    assert.match(d.html.value, /unchanged lines/);
    assert.doesNotMatch(d.html.value, /line 50\n/);
    assert.match(d.html.value, /line 98\n/);
    assert.ok(d.html.value.length < 2000);
  });

  it('says when nothing changed', () => {
    const d = renderDiff('same text', 'same text\n');
    assert.equal(d.changed, false);
    assert.equal(d.wordsAdded + d.wordsRemoved, 0);
  });

  it('handles added and removed blocks and big texts', () => {
    assert.match(renderDiff('a\n', 'a\nb\n').html.value, /<ins>b\n<\/ins>/);
    assert.match(renderDiff('a\nb\n', 'a\n').html.value, /<del>b\n<\/del>/);
    const big = Array.from({ length: 5000 }, (_, i) => `word${i}`).join(' ');
    const d = renderDiff(big, big.replace('word2500', 'changed'));
    assert.ok(d.changed);
  });
});
