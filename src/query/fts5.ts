/**
 * Compiles text-only parts of a query to an SQLite FTS5 MATCH expression. The expression is
 * built only from double-quoted strings this file writes (each a run of letters and digits,
 * quotes doubled anyway), `AND`, `OR`, `NOT`, parentheses and `{title} :`; nothing the user
 * typed reaches FTS5 unquoted. FTS5's porter tokenizer does the stemming.
 */
import { isTextTerm, type Query } from './ast.ts';
import { indexTokens } from './text.ts';

/** `"windows 10"` for the word `Windows-10`: FTS5 treats a quoted string as a phrase. */
export function fts5String(text: string): string {
  return `"${indexTokens(text).join(' ').replaceAll('"', '""')}"`;
}

/**
 * The MATCH expression for `q`, or null when FTS5 cannot express it: it holds a metadata
 * field, or a NOT with nothing positive beside it (FTS5's NOT needs a left operand).
 */
export function toFts5(q: Query): string | null {
  if (isTextTerm(q)) return q.kind === 'field' ? `{title} : ${fts5String(q.text)}` : fts5String(q.text);
  if (q.kind === 'or') {
    const parts = q.terms.map(toFts5);
    return parts.every((p) => p !== null) ? `(${parts.join(' OR ')})` : null;
  }
  if (q.kind !== 'and') return null;
  const positive = q.terms.filter((t) => t.kind !== 'not').map(toFts5);
  const negative = q.terms.flatMap((t) => (t.kind === 'not' ? [toFts5(t.term)] : []));
  if (positive.length === 0 || ![...positive, ...negative].every((p) => p !== null)) return null;
  const all = `(${positive.join(' AND ')})`;
  return negative.length === 0 ? all : `(${all} NOT (${negative.join(' OR ')}))`;
}
