/**
 * The syntax tree of the query language. It holds no positions, so a tree printed with
 * `format` and parsed again is deep-equal to the original.
 *
 * Trees from `parse` are normalised: an `and` never directly holds an `and`, an `or` never
 * directly holds an `or`, both hold at least two terms, and a `not` never holds a `not`.
 */

/** Fields whose value is a word or a quoted phrase. `title` is full text; the rest are metadata. */
export type TermField = 'title' | 'product' | 'tech' | 'keyword' | 'kb' | 'source';
/** Fields whose value is a date comparison. */
export type DateField = 'updated' | 'reviewed';
export type DateOp = '>' | '>=' | '<' | '<=' | '=';

export interface WordNode {
  kind: 'word';
  /** As typed: letters and digits, possibly joined by `_ . - '` (`0x80070005`, `Windows-10`). */
  text: string;
}

export interface PhraseNode {
  kind: 'phrase';
  /** The text between the quotes, whitespace collapsed. */
  text: string;
}

export interface FieldNode {
  kind: 'field';
  field: TermField;
  /** The value as typed (for `kb:` the bare number). */
  text: string;
  /** Whether the value was a quoted phrase. */
  quoted: boolean;
}

export interface DateNode {
  kind: 'date';
  field: DateField;
  op: DateOp;
  /** YYYY-MM-DD. */
  date: string;
}

export interface NotNode {
  kind: 'not';
  term: Query;
}

export interface AndNode {
  kind: 'and';
  terms: Query[];
}

export interface OrNode {
  kind: 'or';
  terms: Query[];
}

export type Query = WordNode | PhraseNode | FieldNode | DateNode | NotNode | AndNode | OrNode;

export const TERM_FIELDS: readonly TermField[] = ['title', 'product', 'tech', 'keyword', 'kb', 'source'];
export const DATE_FIELDS: readonly DateField[] = ['updated', 'reviewed'];

export const MAX_QUERY_LENGTH = 500;
export const MAX_QUERY_TERMS = 50;

/** Whether a node is matched against the full-text index (words, phrases, `title:`). */
export function isTextTerm(node: Query): node is WordNode | PhraseNode | FieldNode {
  return node.kind === 'word' || node.kind === 'phrase' || (node.kind === 'field' && node.field === 'title');
}

/** Leaf terms of a tree, left to right. */
export function leaves(node: Query): Query[] {
  if (node.kind === 'and' || node.kind === 'or') return node.terms.flatMap(leaves);
  if (node.kind === 'not') return leaves(node.term);
  return [node];
}
