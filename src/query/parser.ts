/**
 * The query language's grammar (recursive descent over the lexer's tokens):
 *
 *   query   := all EOF
 *   all     := any ( [AND] any )*          implicit AND between terms
 *   any     := unary ( OR unary )*         OR binds tighter than AND: `exchange 2016 OR 2019`
 *   unary   := ( '-' | NOT ) unary | term
 *   term    := word | "phrase" | field:value | date-field:[op]YYYY-MM-DD | '(' all ')'
 *
 * `OR`, `AND` and `NOT` are operators only in capitals; `or` is a word.
 */
import { MAX_QUERY_LENGTH, type Query } from './ast.ts';
import { QueryError } from './errors.ts';
import { tokenize, type Token } from './lexer.ts';

const TERM_TYPES = new Set<Token['type']>(['word', 'phrase', 'field', 'date', 'minus', 'not', 'lparen']);

function combine(kind: 'and' | 'or', terms: Query[]): Query {
  const flat = terms.flatMap((t) => (t.kind === kind ? t.terms : [t]));
  return flat.length === 1 ? flat[0] : { kind, terms: flat };
}

function negate(term: Query): Query {
  return term.kind === 'not' ? term.term : { kind: 'not', term };
}

function leaf(token: Token): Query | null {
  switch (token.type) {
    case 'word':
      return { kind: 'word', text: token.text };
    case 'phrase':
      return { kind: 'phrase', text: token.text };
    case 'field':
      return { kind: 'field', field: token.field, text: token.text, quoted: token.quoted };
    case 'date':
      return { kind: 'date', field: token.field, op: token.op, date: token.date };
    default:
      return null;
  }
}

const OPERATOR_NAMES: Partial<Record<Token['type'], string>> = {
  or: 'OR',
  and: 'AND',
  not: 'NOT',
  minus: '"-"',
};

class Parser {
  private i = 0;

  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  /** Throws unless a term follows the operator token `op`. */
  private expectTermAfter(op: Token): void {
    const next = this.peek();
    if (!next || !TERM_TYPES.has(next.type))
      throw new QueryError(`expected a term after ${OPERATOR_NAMES[op.type]}`, op.pos, op.len);
  }

  all(): Query {
    const terms: Query[] = [];
    for (let token = this.peek(); token && token.type !== 'rparen'; token = this.peek()) {
      if (token.type === 'and') {
        if (terms.length === 0) throw new QueryError('expected a term before AND', token.pos, token.len);
        this.i++;
        this.expectTermAfter(token);
        continue;
      }
      terms.push(this.any());
    }
    return combine('and', terms);
  }

  private any(): Query {
    const terms = [this.unary()];
    for (let token = this.peek(); token?.type === 'or'; token = this.peek()) {
      this.i++;
      this.expectTermAfter(token);
      terms.push(this.unary());
    }
    return combine('or', terms);
  }

  private unary(): Query {
    const token = this.tokens[this.i++];
    if (token.type === 'minus' || token.type === 'not') {
      this.expectTermAfter(token);
      return negate(this.unary());
    }
    if (token.type === 'lparen') return this.group(token);
    if (token.type === 'rparen') throw new QueryError('unbalanced ")": no "(" before it', token.pos, 1);
    if (token.type === 'or' || token.type === 'and') {
      throw new QueryError(`expected a term before ${OPERATOR_NAMES[token.type]}`, token.pos, token.len);
    }
    return leaf(token)!;
  }

  private group(open: Token): Query {
    const first = this.peek();
    if (!first) throw new QueryError('unbalanced "(": no ")" after it', open.pos, 1);
    if (first.type === 'rparen') throw new QueryError('empty group "()"', open.pos, first.pos + 1 - open.pos);
    const inner = this.all();
    if (this.peek()?.type !== 'rparen') throw new QueryError('unbalanced "(": no ")" after it', open.pos, 1);
    this.i++;
    return inner;
  }

  end(): void {
    const token = this.peek();
    if (token) throw new QueryError('unbalanced ")": no "(" before it', token.pos, 1);
  }
}

/** Parses query text into a syntax tree, or throws a QueryError naming what is wrong and where. */
export function parse(input: string): Query {
  if (input.length > MAX_QUERY_LENGTH) {
    throw new QueryError(
      `too long (${input.length} characters, at most ${MAX_QUERY_LENGTH})`,
      MAX_QUERY_LENGTH,
      input.length - MAX_QUERY_LENGTH,
    );
  }
  const tokens = tokenize(input);
  if (tokens.length === 0) throw new QueryError('empty query (no words to search for)', 0, input.length);
  const parser = new Parser(tokens);
  const query = parser.all();
  parser.end();
  if (query.kind === 'and' && query.terms.length === 0)
    throw new QueryError('empty query (no words to search for)', 0, input.length);
  return query;
}

const KB_WORD = /^(?:kb|q)?0*(\d{1,9})$/i;

/**
 * The KB number a query asks for when it is nothing but `KB307175`, `Q307175`, `kb:307175`
 * or a bare number; null otherwise (and for text that does not parse).
 */
export function kbJump(query: Query | string): number | null {
  let q: Query;
  if (typeof query === 'string') {
    try {
      q = parse(query);
    } catch {
      return null;
    }
  } else q = query;
  let n = 0;
  if (q.kind === 'field' && q.field === 'kb') n = Number(q.text);
  else if (q.kind === 'word') n = Number(KB_WORD.exec(q.text)?.[1] ?? 0);
  return n > 0 ? n : null;
}
