/**
 * Decides in memory whether one article matches a query, with the semantics of the database
 * search, so a day's changes can be matched against every subscription without one query per
 * user. Text comparison is case- and accent-insensitive on stemmed words (see `stem`); a word
 * made of several pieces (`Windows-10`) and a phrase must appear as consecutive words in one
 * field (title, description or body), like FTS5 phrases.
 *
 * Field terms: `tech:` matches a technology slug or alias, or part of a product, area or
 * keyword; `product:` and `keyword:` likewise on their own lists. (The database uses the
 * part-of fallback only for values that are no known alias, so here a field term can match an
 * article the database search would not; never the other way round.)
 */
import type { DateField, DateOp, Query, TermField } from './ast.ts';
import { kbJump } from './parser.ts';
import { dateRange, plainTokens, stem } from './text.ts';

export interface MatchDocument {
  title: string;
  description: string;
  body: string;
  products: string[];
  areas: string[];
  keywords: string[];
  /** Slugs and aliases of the article's technologies, lowercased. */
  technologies: string[];
  kb: number | null;
  /** The source's name. */
  source: string;
  /** ISO time of the last change. */
  updated: string;
  /** ISO date of the last review, if known. */
  reviewed: string | null;
}

interface Prepared {
  fields: string[][];
  title: string[];
  words: Set<string>;
}

const prepared = new WeakMap<MatchDocument, Prepared>();

function stemmed(text: string): string[] {
  return plainTokens(text).map(stem);
}

function prepare(doc: MatchDocument): Prepared {
  let p = prepared.get(doc);
  if (!p) {
    const fields = [stemmed(doc.title), stemmed(doc.description), stemmed(doc.body)];
    p = { fields, title: fields[0], words: new Set(fields.flat()) };
    prepared.set(doc, p);
  }
  return p;
}

function containsSequence(words: string[], seq: string[]): boolean {
  outer: for (let i = 0; i + seq.length <= words.length; i++) {
    for (let j = 0; j < seq.length; j++) if (words[i + j] !== seq[j]) continue outer;
    return true;
  }
  return false;
}

function textMatches(text: string, fields: string[][], words: Set<string> | null): boolean {
  const seq = stemmed(text);
  if (seq.length === 1 && words) return words.has(seq[0]);
  return fields.some((f) => containsSequence(f, seq));
}

function partOf(list: string[], value: string): boolean {
  return list.some((item) => item.toLowerCase().includes(value));
}

function fieldMatches(field: TermField, text: string, doc: MatchDocument, p: Prepared): boolean {
  const value = text.toLowerCase();
  switch (field) {
    case 'title':
      return textMatches(text, [p.title], null);
    case 'kb':
      return doc.kb === Number(text);
    case 'source':
      return doc.source.toLowerCase() === value;
    case 'product':
      return doc.technologies.includes(value) || partOf(doc.products, value);
    case 'keyword':
      return doc.technologies.includes(value) || partOf(doc.keywords, value);
    case 'tech':
      return (
        doc.technologies.includes(value) ||
        [doc.products, doc.areas, doc.keywords].some((l) => partOf(l, value))
      );
  }
}

/** Whether an ISO date or time falls in the range `op date` names (a day counts whole). */
export function dateMatches(value: string | null, op: DateOp, date: string): boolean {
  if (!value) return false;
  const { from, before } = dateRange(op, date);
  return (from === undefined || value >= from) && (before === undefined || value < before);
}

function dateOf(field: DateField, doc: MatchDocument): string | null {
  return field === 'updated' ? doc.updated : doc.reviewed;
}

function evaluate(q: Query, doc: MatchDocument, p: Prepared): boolean {
  switch (q.kind) {
    case 'word':
    case 'phrase':
      return textMatches(q.text, p.fields, p.words);
    case 'field':
      return fieldMatches(q.field, q.text, doc, p);
    case 'date':
      return dateMatches(dateOf(q.field, doc), q.op, q.date);
    case 'not':
      return !evaluate(q.term, doc, p);
    case 'and':
      return q.terms.every((t) => evaluate(t, doc, p));
    case 'or':
      return q.terms.some((t) => evaluate(t, doc, p));
  }
}

/** Whether `doc` is among the results the database search would give for `query`. */
export function matches(query: Query, doc: MatchDocument): boolean {
  const kb = kbJump(query);
  if (kb !== null && doc.kb === kb) return true;
  return evaluate(query, doc, prepare(doc));
}
