import type { DateOp } from './ast.ts';

/**
 * How text splits into words, shared by the parser, the matcher and the compilers so that
 * all of them agree with the full-text index: a word is a run of letters, digits and combining
 * marks; everything else separates words.
 */

/** Pieces of a query word or phrase as handed to the index (case and accents kept). */
export function indexTokens(text: string): string[] {
  return text
    .normalize('NFC')
    .split(/[^\p{L}\p{N}\p{M}]+/u)
    .filter((t) => t.length > 0);
}

/** Lowercased words without accents, as the matcher compares them (like FTS5 unicode61). */
export function plainTokens(text: string): string[] {
  return text
    .normalize('NFD')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((t) => t.length > 0);
}

const VOWEL = /[aeiouy]/;

function undouble(w: string): string {
  return /([^aeiouylsz])\1$/.test(w) ? w.slice(0, -1) : w;
}

/**
 * A small English stemmer, close enough to Porter on everyday words that the matcher agrees
 * with the index: plurals, -ed, -ing and a final -e are removed
 * (`updates`, `updated`, `updating` and `update` all become `updat`).
 */
export function stem(word: string): string {
  if (word.length < 3 || /[^a-z]/.test(word)) return word;
  let w = word;
  if (/eed$/.test(w)) w = w.length > 4 ? w.slice(0, -1) : w;
  else if (/i(?:es|ed)$/.test(w) && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (/sses$/.test(w)) w = w.slice(0, -2);
  else if (/(?:sh|ch|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (/[^sui]s$/.test(w)) w = w.slice(0, -1);
  else if (/ing$/.test(w) && VOWEL.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (/ed$/.test(w) && VOWEL.test(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  if (w.length >= 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** Day after an ISO date (YYYY-MM-DD). */
export function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/** Whether YYYY-MM-DD names a real calendar day. */
export function isValidDate(date: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) return false;
  const d = new Date(`${date}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === date;
}

/**
 * The days `op date` names as a half-open range of ISO strings: `from` inclusive, `before`
 * exclusive. ISO times and dates compare correctly against it as text (days are UTC days).
 */
export function dateRange(op: DateOp, date: string): { from?: string; before?: string } {
  switch (op) {
    case '>=':
      return { from: date };
    case '>':
      return { from: nextDay(date) };
    case '<':
      return { before: date };
    case '<=':
      return { before: nextDay(date) };
    case '=':
      return { from: date, before: nextDay(date) };
  }
}
