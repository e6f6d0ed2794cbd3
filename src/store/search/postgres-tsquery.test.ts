import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
} from 'kysely';
import pg from 'pg';
import { PG_ADMIN_URL, skipReason } from '../../../test/stores.ts';
import { parse, type Query } from '../../query/index.ts';
import { postgresTsquery, tsquery } from './postgres-tsquery.ts';

/** Compiles SQL without a database. */
const compiler = new Kysely<any>({
  dialect: {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => new DummyDriver(),
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  },
});

const compile = (q: Query) => tsquery(q).compile(compiler);
const TITLE_ONLY = (inner: string) =>
  `(regexp_replace((${inner})::text, '''(?=[[:space:])]|$)', ''':A', 'g'))::tsquery`;

describe('tsquery', () => {
  it('compiles words, phrases, OR, exclusion and title: to exact SQL with bound text', () => {
    const cases: [string, string, unknown[]][] = [
      ['socket', "phraseto_tsquery('english', $1)", ['socket']],
      ['"mailbox migration"', "phraseto_tsquery('english', $1)", ['mailbox migration']],
      [
        'windows server',
        "(phraseto_tsquery('english', $1) && phraseto_tsquery('english', $2))",
        ['windows', 'server'],
      ],
      ['a OR b', "(phraseto_tsquery('english', $1) || phraseto_tsquery('english', $2))", ['a', 'b']],
      [
        'mailbox -permissions',
        "(phraseto_tsquery('english', $1) && (!! phraseto_tsquery('english', $2)))",
        ['mailbox', 'permissions'],
      ],
      ['-socket', "(!! phraseto_tsquery('english', $1))", ['socket']],
      ['title:"bind a socket"', TITLE_ONLY("phraseto_tsquery('english', $1)"), ['bind a socket']],
      // A joined word both as PostgreSQL parses it and word by word.
      [
        'Windows-10',
        "(phraseto_tsquery('english', $1) || phraseto_tsquery('english', $2))",
        ['Windows-10', 'Windows 10'],
      ],
      [
        'title:v1.2.3',
        TITLE_ONLY("(phraseto_tsquery('english', $1) || phraseto_tsquery('english', $2))"),
        ['v1.2.3', 'v1 2 3'],
      ],
    ];
    for (const [text, expected, parameters] of cases) {
      const compiled = compile(parse(text));
      assert.equal(compiled.sql, expected, text);
      assert.deepEqual(compiled.parameters, parameters, text);
    }
  });

  it('passes user text with quotes and tsquery operators only as bound values', () => {
    const hostile = ["a' | b", "x:* & !y <-> z'", "'; DROP TABLE articles; --", 'a\\b', '(a) | (b)'];
    for (const text of hostile) {
      for (const q of [
        { kind: 'word', text },
        { kind: 'phrase', text },
        { kind: 'field', field: 'title', text, quoted: true },
      ] as Query[]) {
        const compiled = compile(q);
        assert.ok(compiled.parameters.includes(text), `${text}: ${JSON.stringify(compiled.parameters)}`);
        const withoutPlaceholders = compiled.sql.replace(/\$\d+/g, '');
        assert.doesNotMatch(withoutPlaceholders, /DROP|!y|<->|\|\s*b|a\\b/, `${text} → ${compiled.sql}`);
      }
    }
  });

  it('refuses metadata terms, which are filters, not full text', () => {
    assert.throws(() => tsquery(parse('kb:307175')), /not a full-text term/);
    assert.throws(() => tsquery(parse('updated:2022-01-01')), /not a full-text term/);
    assert.throws(() => tsquery(parse('a tech:sql')), /not a full-text term/);
    assert.equal(postgresTsquery.expresses(parse('-a -b')), true);
    assert.equal(postgresTsquery.expresses(parse('a OR -b')), true);
    assert.equal(postgresTsquery.expresses(parse('a OR source:x')), false);
  });
});

describe('postgresTsquery', () => {
  it('ranks by ts_rank with the title weighted over description over body', () => {
    const hits = postgresTsquery.hits(parse('socket'), [sql`a.kb = ${1}`], true);
    const ranked = hits(true).compile(compiler);
    assert.match(
      ranked.sql,
      /ts_rank\('\{0\.1, 0\.2, 0\.4, 1\.0\}', f\.tsv, phraseto_tsquery\('english', \$1\)\)/,
    );
    assert.match(ranked.sql, /WHERE f\.tsv @@ phraseto_tsquery\('english', \$2\) AND a\.kb = \$3$/);
    assert.deepEqual(ranked.parameters, ['socket', 'socket', 1]);
    assert.match(hits(false).compile(compiler).sql, /SELECT a\.id, 0 AS score/);
  });

  it('passes article ids as one array value', () => {
    const { sql: text, parameters } = postgresTsquery.inIds(sql`a.id`, [3, 1]).compile(compiler);
    assert.equal(text, 'a.id = ANY($1::int[])');
    assert.deepEqual(parameters, [[3, 1]]);
  });
});

const reason = await skipReason('postgres');
describe('tsquery on PostgreSQL', { skip: reason }, () => {
  let db: Kysely<any>;
  before(() => {
    db = new Kysely<any>({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: PG_ADMIN_URL }) }),
    });
  });
  after(async () => db?.destroy());

  const evaluate = async (text: string) =>
    (await sql<{ t: string }>`SELECT (${tsquery(parse(text))})::text AS t`.execute(db)).rows[0].t;

  it('yields the exact tsquery text', async () => {
    const cases: [string, string][] = [
      ['windows server', "'window' & 'server'"],
      ['migrations stopping', "'migrat' & 'stop'"],
      ['"mailbox migration"', "'mailbox' <-> 'migrat'"],
      ['Windows-10', "'window' <-> '-10' | 'window' <-> '10'"],
      ['v1.2.3', "'v1.2.3' | 'v1' <-> '2' <-> '3'"],
      ['title:socket', "'socket':A"],
      ['title:"bind a socket"', "'bind':A <2> 'socket':A"],
      ['title:Windows-10', "'window':A <-> '-10':A | 'window':A <-> '10':A"],
      ['mailbox OR socket', "'mailbox' | 'socket'"],
      ['mailbox -permissions', "'mailbox' & !'permiss'"],
      [
        '(mailbox OR title:socket) -"large mailbox"',
        "( 'mailbox' | 'socket':A ) & !( 'larg' <-> 'mailbox' )",
      ],
    ];
    for (const [text, expected] of cases) assert.equal(await evaluate(text), expected, text);
  });

  it('reads tsquery operators in user text as plain words', async () => {
    const word = async (text: string) =>
      (await sql<{ t: string }>`SELECT (${tsquery({ kind: 'word', text })})::text AS t`.execute(db)).rows[0]
        .t;
    assert.equal(await word("x:* & !y <-> z'"), "'x' <-> 'y' <-> 'z' | 'x' <-> 'y' <-> 'z'");
    assert.equal(
      await word("'; DROP TABLE articles; --"),
      "'drop' <-> 'tabl' <-> 'articl' | 'drop' <-> 'tabl' <-> 'articl'",
    );
  });
});
