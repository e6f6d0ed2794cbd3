/**
 * The API answers as its OpenAPI document says: every operation of the document is called
 * for every response status it declares (429 included), at the path the document gives, and
 * each body is validated against the document's schema.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { startTestServer, type TestServer } from '../../../test/web-server.ts';
import { seedKb, type SeededKb } from '../../../test/web-fixtures.ts';
import { resolveRef, validate } from '../../../test/json-schema.ts';
import { apiBucket } from './guard.ts';

type Doc = Record<string, any>;
interface Case {
  op: string;
  status: number;
  path?: Record<string, string | number>;
  query?: Record<string, string>;
}

function cases(kb: SeededKb): Case[] {
  const exchangePath = 'support/exchange/mail-flow.md';
  return [
    { op: 'searchArticles', status: 200, query: { q: 'winsock' } },
    { op: 'searchArticles', status: 200, query: { q: 'windows', sort: 'date', limit: '1', offset: '1' } },
    { op: 'searchArticles', status: 400, query: {} },
    { op: 'searchArticles', status: 400, query: { q: '(winsock' } },
    { op: 'searchArticles', status: 400, query: { q: 'winsock', limit: '0' } },
    { op: 'searchArticles', status: 400, query: { q: 'winsock', sort: 'best' } },
    { op: 'getArticleByPath', status: 200, query: { path: exchangePath } },
    { op: 'getArticleByPath', status: 400, query: {} },
    { op: 'getArticleByPath', status: 404, query: { path: 'support/nope.md' } },
    { op: 'getArticle', status: 200, path: { kb: 307175 } },
    { op: 'getArticle', status: 400, path: { kb: 'KB-x' } },
    { op: 'getArticle', status: 404, path: { kb: 999999 } },
    { op: 'getRevision', status: 200, path: { kb: 307175, id: kb.revisions.winsock[0] } },
    { op: 'getRevision', status: 400, path: { kb: 307175, id: 'first' } },
    { op: 'getRevision', status: 404, path: { kb: 307175, id: kb.revisions.server[0] } },
    { op: 'getRevision', status: 404, path: { kb: 999999, id: 1 } },
    {
      op: 'getRevisionByPath',
      status: 200,
      path: { id: kb.revisions.exchange[0] },
      query: { path: exchangePath },
    },
    { op: 'getRevisionByPath', status: 400, path: { id: kb.revisions.exchange[0] }, query: {} },
    {
      op: 'getRevisionByPath',
      status: 404,
      path: { id: kb.revisions.exchange[0] },
      query: { path: 'support/nope.md' },
    },
    { op: 'listTechnologies', status: 200, query: {} },
    { op: 'listTechnologies', status: 200, query: { q: 'WINDOWS', kind: 'product', limit: '5' } },
    { op: 'listTechnologies', status: 400, query: { kind: 'vendor' } },
    { op: 'listTechnologies', status: 400, query: { limit: '1000' } },
    { op: 'getTechnology', status: 200, path: { slug: 'kbwinsock' } },
    { op: 'getTechnology', status: 200, path: { slug: 'Windows Server 2019' } },
    { op: 'getTechnology', status: 404, path: { slug: 'no-such-tech' } },
    { op: 'listChanges', status: 200, query: { since: '2024-01-01' } },
    {
      op: 'listChanges',
      status: 200,
      query: { since: '2024-01-12T03:00:00+00:00', kind: 'new,updated', limit: '1' },
    },
    { op: 'listChanges', status: 400, query: {} },
    { op: 'listChanges', status: 400, query: { since: 'yesterday' } },
    { op: 'listChanges', status: 400, query: { since: '2024-01-01', kind: 'new,renamed' } },
    { op: 'getOpenApi', status: 200 },
  ];
}

function operations(doc: Doc): Map<string, { template: string; op: Doc }> {
  const out = new Map<string, { template: string; op: Doc }>();
  for (const [template, item] of Object.entries(doc.paths as Doc)) {
    for (const [method, op] of Object.entries(item as Doc)) {
      assert.equal(method, 'get', `${template}: the API is read-only`);
      out.set(op.operationId, { template, op });
    }
  }
  return out;
}

function urlOf(base: string, template: string, c: Case): string {
  const path = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    assert.ok(c.path && name in c.path, `${c.op}: a value for {${name}}`);
    return encodeURIComponent(String(c.path[name]));
  });
  const qs = new URLSearchParams(c.query ?? {}).toString();
  return `${base}/api/v1${path}${qs ? `?${qs}` : ''}`;
}

/** The schema the document gives for a status of an operation. */
function responseSchema(doc: Doc, op: Doc, status: number): Doc {
  let response = op.responses[String(status)];
  assert.ok(response, `${op.operationId}: the document declares status ${status}`);
  if (response.$ref) response = resolveRef(doc, response.$ref);
  const schema = response.content?.['application/json']?.schema;
  assert.ok(schema, `${op.operationId} ${status}: a JSON schema`);
  return schema;
}

async function check(s: TestServer, doc: Doc, op: Doc, url: string, status: number): Promise<Response> {
  const res = await fetch(url, { headers: { Origin: 'https://elsewhere.example' } });
  const text = await res.text();
  assert.equal(res.status, status, `${op.operationId} ${url}: ${text.slice(0, 300)}`);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/, `${url}: JSON`);
  assert.equal(res.headers.get('access-control-allow-origin'), '*', `${url}: CORS`);
  const problems = validate(doc, responseSchema(doc, op, status), JSON.parse(text));
  assert.deepEqual(problems, [], `${op.operationId} ${status} ${url} conforms to the document`);
  return res;
}

for (const dialect of DIALECTS) {
  describe(
    `web: API conforms to its OpenAPI document (${dialect})`,
    { skip: await skipReason(dialect) },
    () => {
      let s: TestServer;
      let kb: SeededKb;
      let doc: Doc;
      before(async () => {
        s = await startTestServer(dialect);
        kb = await seedKb(s.ctx.store.db);
        doc = (await (await fetch(`${s.url}/api/v1/openapi.json`)).json()) as Doc;
      });
      after(() => s?.close());

      it('is an OpenAPI 3.0 document whose references all resolve', () => {
        assert.match(doc.openapi, /^3\.0\.\d+$/);
        assert.equal(doc.servers[0].url, 'http://kbwatch.test/api/v1');
        const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
        for (const r of refs) resolveRef(doc, JSON.parse(`{${r}}`).$ref);
        for (const { op } of operations(doc).values())
          assert.ok(op.summary && op.responses['200'], `${op.operationId}: summary and 200`);
      });

      it('answers every documented status of every operation as documented', async () => {
        const ops = operations(doc);
        const covered = new Set<string>();
        for (const c of cases(kb)) {
          const entry = ops.get(c.op);
          assert.ok(entry, `${c.op} is in the document`);
          await check(s, doc, entry.op, urlOf(s.url, entry.template, c), c.status);
          covered.add(`${c.op} ${c.status}`);
        }
        // 429 for every operation: the client's bucket is full.
        const bucket = apiBucket('127.0.0.1');
        for (const [id, { template, op }] of ops) {
          const sample = cases(kb).find((c) => c.op === id && c.status === 200)!;
          await s.ctx.store.db.deleteFrom('rate_limits').where('bucket', '=', bucket).execute();
          await s.ctx.store.db
            .insertInto('rate_limits')
            .values({ bucket, count: 300, reset_at: '2024-02-01T12:00:30.000Z' })
            .execute();
          const res = await check(s, doc, op, urlOf(s.url, template, sample), 429);
          assert.equal(res.headers.get('retry-after'), '30');
          covered.add(`${id} 429`);
        }
        await s.ctx.store.db.deleteFrom('rate_limits').where('bucket', '=', bucket).execute();
        const declared = [...ops].flatMap(([id, { op }]) =>
          Object.keys(op.responses).map((status) => `${id} ${status}`),
        );
        assert.deepEqual(
          declared.filter((d) => !covered.has(d)),
          [],
          'every declared response is exercised',
        );
      });

      it('the validator catches what the document forbids', () => {
        const schema = { $ref: '#/components/schemas/SearchResponse' };
        assert.deepEqual(validate(doc, schema, { total: 1, results: [] }), []);
        assert.equal(validate(doc, schema, { total: '1', results: [] }).length, 1);
        assert.equal(validate(doc, schema, { total: 1, results: [{ kb: null }] }).length, 5);
        assert.equal(validate(doc, schema, { total: 1, results: [], extra: true }).length, 1);
        assert.equal(
          validate(
            doc,
            { $ref: '#/components/schemas/ChangeBrief' },
            {
              id: 1,
              kind: 'renamed',
              kb: null,
              title: 't',
              url: 'u',
              detectedAt: 'd',
              minor: false,
              summary: null,
            },
          ).length,
          1,
        );
      });
    },
  );
}
