/**
 * Prints a syntax tree back as canonical query text: implicit AND, `OR` in capitals, `-` for
 * NOT, parentheses around every nested group, `=` left out of dates. For any tree `q` from
 * `parse`, `parse(format(q))` deep-equals `q` (the advanced search form relies on it).
 */
import type { Query } from './ast.ts';

const OPERATOR_WORDS = new Set(['OR', 'AND', 'NOT']);

function nested(q: Query): string {
  return q.kind === 'and' || q.kind === 'or' || q.kind === 'not' ? `(${format(q)})` : format(q);
}

export function format(q: Query): string {
  switch (q.kind) {
    case 'word':
      // A tree built by hand may hold an operator word; quoting keeps it a search term.
      return OPERATOR_WORDS.has(q.text) ? `"${q.text}"` : q.text;
    case 'phrase':
      return `"${q.text}"`;
    case 'field':
      return `${q.field}:${q.quoted ? `"${q.text}"` : q.text}`;
    case 'date':
      return `${q.field}:${q.op === '=' ? '' : q.op}${q.date}`;
    case 'not':
      return `-${nested(q.term)}`;
    case 'and':
      return q.terms.map((t) => (t.kind === 'not' ? format(t) : nested(t))).join(' ');
    case 'or':
      return q.terms.map((t) => (t.kind === 'not' ? format(t) : nested(t))).join(' OR ');
  }
}
