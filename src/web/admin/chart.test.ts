import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { XMLParser } from 'fast-xml-parser';
import { CHART_KINDS, changesChart, niceMax } from './chart.ts';

describe('web: admin chart of changes per day', () => {
  const days = [
    { day: '2024-01-20', counts: { new: 3, updated: 5, metadata: 1330 } },
    { day: '2024-01-21', counts: {} },
    { day: '2024-01-22', counts: { moved: 226, updated: 42 } },
  ];
  const svg = changesChart(days, 'Changes per day by kind, last 3 days').value;

  it('is well-formed SVG with a title and a description for screen readers', () => {
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '@' }).parse(svg, true);
    assert.equal(doc.svg['@role'], 'img');
    assert.equal(doc.svg['@aria-labelledby'], 'chart-title chart-desc');
    assert.equal(doc.svg.title['#text'], 'Changes per day by kind, last 3 days');
    assert.match(
      doc.svg.desc['#text'],
      /^3 days from 2024-01-20 to 2024-01-22: 3 new, 47 updated, 1,330 metadata, 226 moved, 0 removed\.$/,
    );
  });

  it('stacks one bar segment per kind present on a day, each with its own <title>', () => {
    const bars = [...svg.matchAll(/<rect class="bar (\w+)"[^>]*><title>([^<]+)<\/title>/g)].map((m) => [
      m[1],
      m[2],
    ]);
    assert.deepEqual(bars, [
      ['new', '2024-01-20: 3 new'],
      ['updated', '2024-01-20: 5 updated'],
      ['metadata', '2024-01-20: 1,330 metadata'],
      ['updated', '2024-01-22: 42 updated'],
      ['moved', '2024-01-22: 226 moved'],
    ]);
    assert.doesNotMatch(svg, /class="bar removed"/);
    assert.doesNotMatch(svg, /style=/, 'colours are attributes: the CSP allows no inline styles');
  });

  it('has a legend naming every kind with its total, and a round axis maximum', () => {
    for (const kind of CHART_KINDS) assert.match(svg, new RegExp(`<g class="legend-item">.*?>${kind} \\(`));
    assert.match(svg, />2,000<\/text>/);
    assert.deepEqual([0, 1, 3, 10, 11, 1338, 50000].map(niceMax), [1, 1, 5, 10, 20, 2000, 50000]);
  });

  it('escapes what it prints and survives an empty range', () => {
    assert.match(
      changesChart([], '<b>t</b>').value,
      /<title id="chart-title">&lt;b&gt;t&lt;\/b&gt;<\/title>/,
    );
  });
});
