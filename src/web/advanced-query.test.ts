import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { format, parse } from '../query/index.ts';
import {
  AdvancedFormError,
  emptyForm,
  formToText,
  queryToForm,
  type AdvancedForm,
} from './advanced-query.ts';

const form = (fields: Partial<AdvancedForm>): AdvancedForm => ({ ...emptyForm(), ...fields });

/** Forms as a person fills them in (canonical: each field holds what only it can hold). */
const FORMS: Partial<AdvancedForm>[] = [
  { all: 'winsock' },
  { all: 'winsock bind listen' },
  { exact: 'listening socket' },
  { any: 'exchange outlook' },
  { any: 'exchange outlook teams', none: 'linux mac' },
  { none: 'linux' },
  { product: 'Windows Server 2019' },
  { product: 'exchange-online' },
  { keyword: 'kbWinsock' },
  { kb: '307175' },
  { from: '2023-01-01' },
  { to: '2023-12-31' },
  { from: '2022-12-01', to: '2023-01-31' },
  {
    all: 'socket',
    exact: 'error 10048',
    any: 'bind listen',
    none: 'linux',
    product: 'Windows 2000 Server',
    keyword: 'kbapi',
    kb: '307175',
    from: '2001-01-01',
    to: '2007-03-01',
  },
  { all: "don't v1.2.3 0x80070005 Windows-10" },
  { query: 'title:error' },
  { all: 'outlook', query: '(a b) OR c' },
  { query: 'reviewed:<2021-01-01' },
  { query: 'updated:>2020-01-01' },
  { exact: 'first phrase', query: '"second phrase"' },
  { product: 'windows', query: 'product:"office 2016"' },
  { query: 'source:classic-kb -(retired OR obsolete)' },
  { query: 'tech:kbwinsock OR tech:kbapi' },
  { all: 'ümlaut café', exact: 'naïve résumé' },
];

describe('web: advanced search form and query language', () => {
  it('refills the form from every query it built and builds the same query again', () => {
    for (const fields of FORMS) {
      const text = formToText(form(fields));
      assert.ok(text, `a query for ${JSON.stringify(fields)}`);
      const { form: refilled } = queryToForm(parse(text));
      assert.equal(formToText(refilled), text, `round trip of ${text}`);
      if (!fields.query) assert.deepEqual(refilled, form(fields), `fields of ${text}`);
    }
  });

  it('builds the expected query text', () => {
    assert.equal(
      formToText(form({ all: 'winsock bind', exact: ' listening   socket ', none: 'linux' })),
      'winsock bind "listening socket" -linux',
    );
    assert.equal(formToText(form({ any: 'a b c' })), 'a OR b OR c');
    assert.equal(formToText(form({ any: 'single' })), 'single');
    assert.equal(
      formToText(form({ product: 'Windows Server 2019', keyword: 'kbWinsock' })),
      'product:"Windows Server 2019" keyword:kbWinsock',
    );
    assert.equal(formToText(form({ kb: 'KB307175' })), 'kb:307175');
    assert.equal(formToText(form({ kb: 'q0307175' })), 'kb:307175');
    assert.equal(
      formToText(form({ from: '2023-01-01', to: '2023-02-01' })),
      'updated:>=2023-01-01 updated:<=2023-02-01',
    );
    assert.equal(formToText(form({ all: 'a OR b' })), 'a or b', 'operator words in a words field stay words');
    assert.equal(formToText(emptyForm()), '');
  });

  it('moves terms typed in the query box to their own field', () => {
    const text = formToText(form({ query: 'winsock product:windows "a phrase"' }));
    assert.equal(text, 'winsock "a phrase" product:windows');
    assert.deepEqual(queryToForm(parse(text)), {
      form: form({ all: 'winsock', exact: 'a phrase', product: 'windows' }),
      rest: false,
    });
  });

  it('keeps what no field can express in the query box, and says so', () => {
    for (const q of [
      '(a b) OR c',
      '-"x y"',
      'updated:>2020-01-01',
      'title:error',
      'a (b OR -c)',
      'reviewed:2021-01-01',
    ]) {
      const { form: f, rest } = queryToForm(parse(q));
      assert.equal(rest, true, q);
      assert.equal(format(parse(formToText(f))), format(parse(q)), q);
    }
    assert.equal(queryToForm(parse('a OR b OR c d -e')).rest, false);
  });

  it('names the field of a bad value', () => {
    const cases: [Partial<AdvancedForm>, keyof AdvancedForm, RegExp][] = [
      [{ from: '2023-13-01' }, 'from', /Updated from: "2023-13-01" is not a date/],
      [{ to: 'yesterday' }, 'to', /Updated to/],
      [{ kb: 'abc' }, 'kb', /KB number: "abc" is not a KB number/],
      [{ query: '(unclosed' }, 'query', /Query: unbalanced "\("/],
    ];
    for (const [fields, field, message] of cases) {
      assert.throws(
        () => formToText(form(fields)),
        (err: unknown) =>
          err instanceof AdvancedFormError && err.field === field && message.test(err.message),
        JSON.stringify(fields),
      );
    }
  });
});
