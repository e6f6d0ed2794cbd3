/**
 * Splits query text into tokens. Anything that is not part of a word, a quoted phrase, a
 * field, a date, `-`, `(` or `)` separates tokens and is dropped, so characters that mean
 * something to FTS5, tsquery or SQL (`* ^ : ' ; % \ |`, `NEAR`) are harmless here.
 */
import {
  DATE_FIELDS,
  MAX_QUERY_TERMS,
  TERM_FIELDS,
  type DateField,
  type DateOp,
  type TermField,
} from './ast.ts';
import { QueryError } from './errors.ts';
import { indexTokens, isValidDate } from './text.ts';

interface At {
  pos: number;
  len: number;
}

export type Token = At &
  (
    | { type: 'word'; text: string }
    | { type: 'phrase'; text: string }
    | { type: 'field'; field: TermField; text: string; quoted: boolean }
    | { type: 'date'; field: DateField; op: DateOp; date: string }
    | { type: 'minus' | 'or' | 'and' | 'not' | 'lparen' | 'rparen' }
  );

/**
 * A word: letters and digits, optionally joined by single `_ . - '` between them
 * (`0x80070005`, `Windows-10`, `v1.2.3`, `don't`). A leading or trailing connector separates.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*(?:[_.\-'\u2019][\p{L}\p{N}][\p{L}\p{N}\p{M}]*)*/uy;
const FIELD_NAME = /([A-Za-z]+):/y;
const VALUE_START = /[\p{L}\p{N}"<>=]/uy;
const TERM_START = /[\p{L}\p{N}"(]/uy;
const DATE_VALUE = /(>=|<=|>|<|=)?([^\s()"]*)/y;
const KB_VALUE = /^(?:kb|q)?0*(\d{1,9})$/i;
const KEYWORDS: Record<string, 'or' | 'and' | 'not'> = { OR: 'or', AND: 'and', NOT: 'not' };

function matchAt(re: RegExp, input: string, pos: number): RegExpExecArray | null {
  re.lastIndex = pos;
  return re.exec(input);
}

function readPhrase(input: string, pos: number): { text: string; end: number } {
  const close = input.indexOf('"', pos + 1);
  if (close < 0) throw new QueryError('unclosed quote', pos, input.length - pos);
  const text = input
    .slice(pos + 1, close)
    .replace(/\s+/g, ' ')
    .trim();
  if (indexTokens(text).length === 0) throw new QueryError('empty phrase', pos, close + 1 - pos);
  return { text, end: close + 1 };
}

function readDate(input: string, pos: number, field: DateField, start: number): Token {
  const m = matchAt(DATE_VALUE, input, pos)!;
  const [all, op = '=', date] = m;
  const datePos = pos + (all.length - date.length);
  if (date === '')
    throw new QueryError(`expected a date after "${field}:${m[1] ?? ''}"`, start, datePos - start);
  if (!isValidDate(date))
    throw new QueryError(`bad date "${date}"`, datePos, date.length, 'expected YYYY-MM-DD');
  return { type: 'date', field, op: op as DateOp, date, pos: start, len: pos + all.length - start };
}

function readFieldValue(input: string, pos: number, field: TermField, start: number): Token {
  let text: string;
  let quoted = false;
  let end: number;
  if (input[pos] === '"') {
    ({ text, end } = readPhrase(input, pos));
    quoted = true;
  } else {
    const word = matchAt(WORD, input, pos);
    if (!word) throw new QueryError(`expected a word or "phrase" after "${field}:"`, start, pos - start);
    text = word[0];
    end = pos + text.length;
  }
  if (field === 'kb') {
    const kb = quoted ? null : KB_VALUE.exec(text);
    if (!kb) throw new QueryError(`"kb:" expects a KB number, not "${text}"`, pos, end - pos);
    text = String(Number(kb[1]));
  }
  return { type: 'field', field, text, quoted, pos: start, len: end - start };
}

/** A field token at `pos`, or null when the text there is not `name:` followed by a value. */
function readField(input: string, pos: number): Token | null {
  const m = matchAt(FIELD_NAME, input, pos);
  if (!m) return null;
  const name = m[1].toLowerCase();
  const valuePos = pos + m[0].length;
  if ((DATE_FIELDS as readonly string[]).includes(name))
    return readDate(input, valuePos, name as DateField, pos);
  if ((TERM_FIELDS as readonly string[]).includes(name))
    return readFieldValue(input, valuePos, name as TermField, pos);
  // `Error: 0x80070005` or `C:\Windows`: an unknown name followed by no value is plain text.
  if (!matchAt(VALUE_START, input, valuePos)) return null;
  const known = [...TERM_FIELDS, ...DATE_FIELDS].map((f) => `${f}:`).join(' ');
  throw new QueryError(`unknown field "${m[1]}:"`, pos, m[0].length, `known fields: ${known}`);
}

function readToken(input: string, pos: number): Token | null {
  const c = input[pos];
  if (c === '(') return { type: 'lparen', pos, len: 1 };
  if (c === ')') return { type: 'rparen', pos, len: 1 };
  if (c === '-') {
    // `-` excludes only at the start of a term (`a -b`, `(-b)`), never inside text like `a--b`.
    const atStart = pos === 0 || /[\s(]/.test(input[pos - 1]);
    return atStart && matchAt(TERM_START, input, pos + 1) ? { type: 'minus', pos, len: 1 } : null;
  }
  if (c === '"') {
    const { text, end } = readPhrase(input, pos);
    return { type: 'phrase', text, pos, len: end - pos };
  }
  const field = readField(input, pos);
  if (field) return field;
  const word = matchAt(WORD, input, pos);
  if (!word) return null;
  const keyword = KEYWORDS[word[0]];
  return keyword
    ? { type: keyword, pos, len: word[0].length }
    : { type: 'word', text: word[0], pos, len: word[0].length };
}

/** Tokens of a query, or a QueryError naming the first problem. */
export function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let terms = 0;
  let pos = 0;
  while (pos < input.length) {
    const token = readToken(input, pos);
    if (!token) {
      // A separator; step over a whole surrogate pair so positions stay on characters.
      pos += (input.codePointAt(pos) ?? 0) > 0xffff ? 2 : 1;
      continue;
    }
    if (token.type === 'word' || token.type === 'phrase' || token.type === 'field' || token.type === 'date') {
      if (++terms > MAX_QUERY_TERMS)
        throw new QueryError(
          `too many terms (more than ${MAX_QUERY_TERMS})`,
          token.pos,
          input.length - token.pos,
        );
    }
    tokens.push(token);
    pos = token.pos + token.len;
  }
  return tokens;
}
