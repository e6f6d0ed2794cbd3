import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { highlight, lead, START, STOP } from './highlight.ts';

describe('highlight', () => {
  it('escapes the text and turns hit marks into <mark>', () => {
    assert.equal(
      highlight(`a ${START}<b>&"x"${STOP} 'y'`),
      'a <mark>&#60;b&#62;&#38;&#34;x&#34;</mark> &#39;y&#39;',
    );
    assert.equal(highlight('  two\n\t lines  '), 'two lines');
  });

  it('keeps marks balanced whatever the text holds', () => {
    assert.equal(highlight(`${STOP}a ${START}b ${START}c${STOP} d${STOP}`), 'a <mark>b c</mark> d');
    assert.equal(highlight(`${START}open`), '<mark>open</mark>');
  });
});

describe('lead', () => {
  it('shows the first 30 words, escaped', () => {
    const words = Array.from({ length: 31 }, (_, i) => `w${i}`);
    assert.equal(lead(words.slice(0, 30).join(' ')), words.slice(0, 30).join(' '));
    assert.equal(lead(words.join('  ')), `${words.slice(0, 30).join(' ')} …`);
    assert.equal(lead('<i>x</i>'), '&#60;i&#62;x&#60;/i&#62;');
  });
});
