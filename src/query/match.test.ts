import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dateMatches, matches, type MatchDocument } from './match.ts';
import { parse } from './parser.ts';
import { stem } from './text.ts';

const DOC: MatchDocument = {
  title: 'Use SO_EXCLUSIVEADDRUSE to bind a socket exclusively',
  description: 'A second server cannot share the listening port.',
  body: 'When two applications bind the same port, the second call fails on Windows-10. Café settings are updated with 0x80070005.',
  products: ['Windows Server 2019', 'Windows 10'],
  areas: ['Networking'],
  keywords: ['kbnetwork', 'kbWinsock'],
  technologies: ['windows-server-2019', 'windows server 2019', 'ws2019', 'kbwinsock'],
  kb: 307175,
  source: 'classic-kb',
  updated: '2022-12-05T10:00:00.000Z',
  reviewed: '2021-03-01',
};

const yes = (q: string, doc = DOC) => assert.equal(matches(parse(q), doc), true, q);
const no = (q: string, doc = DOC) => assert.equal(matches(parse(q), doc), false, q);

describe('matches', () => {
  it('requires every word, in any field, ignoring case and accents', () => {
    yes('socket port');
    yes('SOCKET Applications');
    yes('cafe');
    no('socket zebra');
  });

  it('compares stems, like the index', () => {
    yes('sockets');
    yes('binding applications failed');
    yes('update');
    yes('listen');
    no('bindings zebra');
  });

  it('matches phrases and multi-part words as consecutive words within one field', () => {
    yes('"second call fails"');
    yes('"listening ports"');
    no('"fails second call"');
    no('"port when"', DOC); // end of description + start of body are different fields
    yes('Windows-10');
    yes('"windows 10"');
    yes('so_exclusiveaddruse');
    yes('0x80070005');
  });

  it('handles OR, exclusion and groups', () => {
    yes('zebra OR socket');
    no('zebra OR giraffe');
    yes('socket -zebra');
    no('socket -port');
    yes('-zebra');
    yes('(zebra OR port) -(giraffe lion)');
    no('socket -(port OR zebra)');
  });

  it('restricts title: to the title', () => {
    yes('title:socket');
    yes('title:"bind a socket"');
    no('title:port');
  });

  it('matches technologies by slug or alias, and lists by part', () => {
    yes('tech:kbWinsock');
    yes('tech:ws2019');
    yes('tech:networking');
    yes('product:"windows server 2019"');
    yes('product:"Windows 10"');
    no('product:exchange');
    yes('keyword:kbnetwork');
    no('keyword:kbsql');
  });

  it('matches kb: and source: exactly', () => {
    yes('kb:307175');
    no('kb:30717');
    yes('source:Classic-KB');
    no('source:classic');
    no('kb:1', { ...DOC, kb: null });
    yes('-kb:1', { ...DOC, kb: null });
  });

  it('matches dates by whole UTC days', () => {
    yes('updated:2022-12-05');
    yes('updated:>=2022-12-05');
    no('updated:>2022-12-05');
    yes('updated:<=2022-12-05');
    no('updated:<2022-12-05');
    yes('reviewed:<2021-06-01');
    no('reviewed:<2021-06-01', { ...DOC, reviewed: null });
    yes('-reviewed:<2021-06-01', { ...DOC, reviewed: null });
  });

  it('treats a KB jump query as that article, or the words in text', () => {
    yes('KB307175');
    yes('307175');
    yes('Q307175');
    no('KB307176');
    yes('0x80070005 OR KB1');
  });

  it('caches per document without mixing documents up', () => {
    const other = { ...DOC, title: 'zebra', body: '', description: '' };
    yes('zebra', other);
    no('zebra');
  });
});

describe('dateMatches', () => {
  it('compares ISO times and dates against day ranges', () => {
    assert.equal(dateMatches('2022-12-01T23:59:59.999Z', '<', '2022-12-02'), true);
    assert.equal(dateMatches('2022-12-02T00:00:00.000Z', '<', '2022-12-02'), false);
    assert.equal(dateMatches('2022-12-31', '>', '2022-12-30'), true);
    assert.equal(dateMatches('2022-12-31', '<=', '2022-12-31'), true);
    assert.equal(dateMatches('2023-01-01T00:00:00Z', '<=', '2022-12-31'), false);
    assert.equal(dateMatches(null, '>=', '2000-01-01'), false);
  });
});

describe('stem', () => {
  it('brings everyday inflections together', () => {
    const groups = [
      ['update', 'updates', 'updated', 'updating'],
      ['fail', 'fails', 'failed', 'failing'],
      ['policy', 'policies'],
      ['fix', 'fixes', 'fixed', 'fixing'],
      ['run', 'runs', 'running'],
      ['install', 'installs', 'installed', 'installing'],
      ['address', 'addresses'],
      ['cache', 'caches', 'cached'],
      ['need', 'needs', 'needed'],
    ];
    for (const group of groups)
      assert.deepEqual(new Set(group.map(stem)).size, 1, `${group} → ${group.map(stem)}`);
    assert.equal(stem('this'), 'this');
    assert.equal(stem('string'), 'string');
    assert.equal(stem('0x80070005'), '0x80070005');
  });
});
