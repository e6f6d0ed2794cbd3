import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import {
  DummyDriver,
  Kysely,
  sql as rawSql,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
} from 'kysely';
import { parse, QueryError, type Query } from '../../query/index.ts';
import { sqliteFts5, toFts5 } from './sqlite-fts5.ts';

/** Compiles SQL without a database. */
const compiler = new Kysely<any>({
  dialect: {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  },
});

/**
 * What a MATCH expression we write may hold besides quoted strings: AND, OR, NOT, parentheses,
 * the title column filter and spaces. Nothing else of FTS5's syntax (`*`, `^`, `NEAR`, `:` on
 * other columns, bare words) may appear outside quotes.
 */
function assertOnlyQuotedText(expression: string, context: string): void {
  const outside = expression.replace(/"(?:[^"]|"")*"/g, ' ');
  assert.match(outside, /^(?:\s|\(|\)|AND|OR|NOT|\{title\} :)*$/, `${context} → ${expression}`);
}

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s * 1103515245 + 12345) % 2147483648;
    return s / 2147483648;
  };
}

/** Pieces of query text, FTS5's own syntax among them. */
const PIECES = [
  'a',
  'b',
  'Windows-10',
  '"x y"',
  '"',
  '(',
  ')',
  ' ',
  ' ',
  '-',
  'OR',
  'AND',
  'NOT',
  '*',
  '^',
  ':',
  "'",
  'title:',
  'NEAR',
  'NEAR(',
  '{',
  '}',
  'é',
  '\\',
  '%',
  'tech:sql',
  '"a:b"',
  'x*',
];

describe('toFts5', () => {
  it('compiles words, phrases, OR, exclusion and title: to exact MATCH text', () => {
    assert.equal(toFts5(parse('socket')), '"socket"');
    assert.equal(toFts5(parse('windows server')), '("windows" AND "server")');
    assert.equal(toFts5(parse('"mailbox migration"')), '"mailbox migration"');
    assert.equal(toFts5(parse('Windows-10 "a  b"')), '("Windows 10" AND "a b")');
    assert.equal(toFts5(parse('a OR b OR c')), '("a" OR "b" OR "c")');
    assert.equal(toFts5(parse('a OR title:b')), '("a" OR {title} : "b")');
    assert.equal(toFts5(parse('title:"bind a socket"')), '{title} : "bind a socket"');
    assert.equal(toFts5(parse('a -b -c')), '(("a") NOT ("b" OR "c"))');
    assert.equal(toFts5(parse('-(a OR b) c')), '(("c") NOT (("a" OR "b")))');
    assert.equal(toFts5(parse('mailbox -"large mailbox"')), '(("mailbox") NOT ("large mailbox"))');
    assert.equal(toFts5(parse('(a b) OR c')), '(("a" AND "b") OR "c")');
  });

  it('quotes user text with quotes and FTS5 operators, never passing it on raw', () => {
    assert.equal(toFts5(parse('NEAR(x y) ^z* "q\'s"')), '("NEAR" AND "x" AND "y" AND "z" AND "q s")');
    assert.equal(toFts5(parse('"OR" "AND" "NOT"')), '("OR" AND "AND" AND "NOT")');
    assert.equal(toFts5(parse('"{title}: x"')), '"title x"');
    // Trees built by hand, not by the parser, are quoted the same way.
    const word = (text: string): Query => ({ kind: 'word', text });
    assert.equal(toFts5(word('a" OR "b')), '"a OR b"');
    assert.equal(toFts5(word('x*')), '"x"');
    assert.equal(toFts5(word('"')), '""');
    assert.equal(toFts5({ kind: 'phrase', text: 'say "hi" NEAR(me)' }), '"say hi NEAR me"');
    assert.equal(
      toFts5({ kind: 'field', field: 'title', text: 'body:x', quoted: false }),
      '{title} : "body x"',
    );
  });

  it('returns null where FTS5 cannot express the query', () => {
    assert.equal(toFts5(parse('-a')), null);
    assert.equal(toFts5(parse('-a -b')), null);
    assert.equal(toFts5(parse('a OR -b')), null);
    assert.equal(toFts5(parse('a tech:sql')), null);
    assert.equal(toFts5(parse('kb:307175')), null);
    assert.equal(toFts5(parse('updated:2022-01-01')), null);
    assert.equal(sqliteFts5.expresses(parse('a -b')), true);
    assert.equal(sqliteFts5.expresses(parse('-a')), false);
    assert.equal(sqliteFts5.expresses(parse('a OR source:x')), false);
  });

  it('writes only quoted text and operators, which FTS5 accepts, for any query that parses', () => {
    const db = new BetterSqlite3(':memory:');
    db.exec(
      `CREATE VIRTUAL TABLE article_fts USING fts5(title, description, body, tokenize = 'porter unicode61 remove_diacritics 2')`,
    );
    db.prepare('INSERT INTO article_fts (rowid, title, description, body) VALUES (1, ?, ?, ?)').run(
      'Windows 10 socket',
      'x y',
      'a b NEAR',
    );
    const probe = db.prepare('SELECT rowid FROM article_fts WHERE article_fts MATCH ?');
    const next = random(20240116);
    let compiled = 0;
    for (let i = 0; i < 3000; i++) {
      const n = 1 + Math.floor(next() * 10);
      const text = Array.from({ length: n }, () => PIECES[Math.floor(next() * PIECES.length)]).join(
        next() < 0.5 ? ' ' : '',
      );
      let q;
      try {
        q = parse(text);
      } catch (err) {
        assert.ok(err instanceof QueryError, `${JSON.stringify(text)} threw ${String(err)}`);
        continue;
      }
      const match = toFts5(q);
      if (match === null) continue;
      compiled++;
      assertOnlyQuotedText(match, JSON.stringify(text));
      assert.doesNotThrow(() => probe.all(match), `${JSON.stringify(text)} → ${match}`);
    }
    db.close();
    assert.ok(compiled > 500, `only ${compiled} compiled`);
  });
});

describe('sqliteFts5', () => {
  it('binds the MATCH expression as a value', () => {
    const { sql, parameters } = sqliteFts5.matches(parse('socket "exclusive port"')).compile(compiler);
    assert.equal(sql, 'a.id IN (SELECT rowid FROM article_fts WHERE article_fts MATCH ?)');
    assert.deepEqual(parameters, ['("socket" AND "exclusive port")']);
  });

  it('ranks by bm25 with the title weighted over description over body', () => {
    const hits = sqliteFts5.hits(parse('socket'), [], false);
    const ranked = hits(true).compile(compiler);
    assert.match(ranked.sql, /-bm25\(article_fts, 10\.0, 4\.0, 1\.0\) AS score/);
    assert.deepEqual(ranked.parameters, ['"socket"']);
    assert.match(hits(false).compile(compiler).sql, /SELECT rowid AS id, 0 AS score/);
  });

  it('passes article ids as one JSON value', () => {
    const { sql, parameters } = sqliteFts5.inIds(rawSql`a.id`, [3, 1]).compile(compiler);
    assert.equal(sql, 'a.id IN (SELECT value FROM json_each(?))');
    assert.deepEqual(parameters, ['[3,1]']);
  });
});
