/**
 * The advanced search form and the query language, both ways: the form's fields become a
 * syntax tree (printed with `format`), and a tree is split back into the fields. Whatever a
 * tree holds that the fields cannot express goes to the free "query" field, so any query
 * refills the form and the form rebuilds the same query.
 */
import { format, parse, QueryError, type Query } from '../query/index.ts';

export interface AdvancedForm {
  /** All of these words. */
  all: string;
  /** This exact phrase. */
  exact: string;
  /** Any of these words. */
  any: string;
  /** None of these words. */
  none: string;
  product: string;
  keyword: string;
  kb: string;
  /** Updated on or after (YYYY-MM-DD). */
  from: string;
  /** Updated on or before (YYYY-MM-DD). */
  to: string;
  /** More terms in the query language. */
  query: string;
}

export const FORM_FIELDS: readonly (keyof AdvancedForm)[] = [
  'all',
  'exact',
  'any',
  'none',
  'product',
  'keyword',
  'kb',
  'from',
  'to',
  'query',
];

export function emptyForm(): AdvancedForm {
  return {
    all: '',
    exact: '',
    any: '',
    none: '',
    product: '',
    keyword: '',
    kb: '',
    from: '',
    to: '',
    query: '',
  };
}

/** A form field that cannot become part of a query. */
export class AdvancedFormError extends Error {
  constructor(
    readonly field: keyof AdvancedForm,
    message: string,
  ) {
    super(message);
  }
}

/** The query language's word: letters and digits, joined by single `_ . - '` (as the lexer reads them). */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:[_.\-'\u2019][\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*/gu;
const OPERATORS = new Set(['OR', 'AND', 'NOT']);

/** The words of a field; operator words are lowercased so they stay words (search ignores case). */
function words(text: string): Query[] {
  return (text.match(WORD) ?? []).map((w) => ({
    kind: 'word',
    text: OPERATORS.has(w) ? w.toLowerCase() : w,
  }));
}

function isWholeWord(text: string): boolean {
  return (text.match(WORD) ?? [])[0] === text;
}

function fieldTerm(field: 'product' | 'keyword', text: string): Query | null {
  const value = text.replace(/["\s]+/g, ' ').trim();
  if (!value || !(value.match(WORD) ?? []).length) return null;
  return { kind: 'field', field, text: value, quoted: !isWholeWord(value) };
}

function isDate(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return false;
  const d = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === text;
}

const LABELS: Record<keyof AdvancedForm, string> = {
  all: 'All of these words',
  exact: 'This exact phrase',
  any: 'Any of these words',
  none: 'None of these words',
  product: 'Product',
  keyword: 'Keyword',
  kb: 'KB number',
  from: 'Updated from',
  to: 'Updated to',
  query: 'Query',
};

export function labelOf(field: keyof AdvancedForm): string {
  return LABELS[field];
}

function dateTerm(field: 'from' | 'to', text: string): Query | null {
  const value = text.trim();
  if (!value) return null;
  if (!isDate(value))
    throw new AdvancedFormError(
      field,
      `${LABELS[field]}: "${value}" is not a date; use YYYY-MM-DD, such as 2023-01-31.`,
    );
  return { kind: 'date', field: 'updated', op: field === 'from' ? '>=' : '<=', date: value };
}

function kbTerm(text: string): Query | null {
  const value = text.trim();
  if (!value) return null;
  const m = /^(?:kb|q)?\s*0*(\d{1,9})$/i.exec(value);
  if (!m || Number(m[1]) === 0)
    throw new AdvancedFormError(
      'kb',
      `${LABELS.kb}: "${value}" is not a KB number; use digits such as 307175 (KB307175 and Q307175 work too).`,
    );
  return { kind: 'field', field: 'kb', text: String(Number(m[1])), quoted: false };
}

function queryTerms(text: string): Query[] {
  if (!text.trim()) return [];
  try {
    const q = parse(text);
    return q.kind === 'and' ? q.terms : [q];
  } catch (err) {
    if (err instanceof QueryError)
      throw new AdvancedFormError('query', `${LABELS.query}: ${err.message.replace(/^query: /, '')}.`);
    throw err;
  }
}

/** The filled fields as terms, in the form's order, the free "query" field last. */
function formTerms(form: AdvancedForm): Query[] {
  const terms: Query[] = [...words(form.all)];
  const exact = form.exact.replace(/["\s]+/g, ' ').trim();
  if (exact && (exact.match(WORD) ?? []).length) terms.push({ kind: 'phrase', text: exact });
  const any = words(form.any);
  if (any.length === 1) terms.push(any[0]);
  if (any.length > 1) terms.push({ kind: 'or', terms: any });
  for (const w of words(form.none)) terms.push({ kind: 'not', term: w });
  for (const t of [
    fieldTerm('product', form.product),
    fieldTerm('keyword', form.keyword),
    kbTerm(form.kb),
    dateTerm('from', form.from),
    dateTerm('to', form.to),
  ]) {
    if (t) terms.push(t);
  }
  return [...terms, ...queryTerms(form.query)];
}

function normal(terms: Query[]): Query {
  // Printed and parsed again, a tree is in the parser's normal form (what a refill sees).
  return parse(format(terms.length === 1 ? terms[0] : { kind: 'and', terms }));
}

/**
 * The form's fields as one query tree (AND of the filled fields), or null when all are empty.
 * The tree is canonical: terms typed into the free field that a field can hold (a plain word,
 * `product:x`) move to that field's place, so refilling the form and sending it again gives
 * the same query.
 */
export function formToQuery(form: AdvancedForm): Query | null {
  const terms = formTerms(form);
  if (terms.length === 0) return null;
  return normal(formTerms(queryToForm(normal(terms)).form));
}

/** The query text the form builds ('' for an empty form). */
export function formToText(form: AdvancedForm): string {
  const q = formToQuery(form);
  return q ? format(q) : '';
}

const isWord = (q: Query): q is { kind: 'word'; text: string } => q.kind === 'word';

/**
 * Splits a tree back into the form's fields. `rest` is true when some of it went to the free
 * "query" field because no field expresses it.
 */
export function queryToForm(q: Query): { form: AdvancedForm; rest: boolean } {
  const form = emptyForm();
  const all: string[] = [];
  const none: string[] = [];
  const rest: Query[] = [];
  for (const t of q.kind === 'and' ? q.terms : [q]) {
    if (isWord(t) && !OPERATORS.has(t.text)) all.push(t.text);
    else if (t.kind === 'phrase' && !form.exact) form.exact = t.text;
    else if (t.kind === 'or' && !form.any && t.terms.every((x) => isWord(x) && !OPERATORS.has(x.text)))
      form.any = t.terms.map((x) => (x as { text: string }).text).join(' ');
    else if (t.kind === 'not' && isWord(t.term) && !OPERATORS.has(t.term.text)) none.push(t.term.text);
    else if (
      t.kind === 'field' &&
      (t.field === 'product' || t.field === 'keyword') &&
      !form[t.field] &&
      t.quoted === !isWholeWord(t.text)
    )
      form[t.field] = t.text;
    else if (t.kind === 'field' && t.field === 'kb' && !form.kb) form.kb = t.text;
    else if (t.kind === 'date' && t.field === 'updated' && t.op === '>=' && !form.from) form.from = t.date;
    else if (t.kind === 'date' && t.field === 'updated' && t.op === '<=' && !form.to) form.to = t.date;
    else rest.push(t);
  }
  form.all = all.join(' ');
  form.none = none.join(' ');
  if (rest.length > 0) form.query = format(rest.length === 1 ? rest[0] : { kind: 'and', terms: rest });
  return { form, rest: rest.length > 0 };
}
