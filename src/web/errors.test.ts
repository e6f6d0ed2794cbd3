/**
 * The web boundary maps every domain error to one status and code, even when no handler
 * catches it, and a route's schema refuses a malformed id with a 400 before any handler runs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { FastifyInstance } from 'fastify';
import { DIALECTS, skipReason } from '../../test/stores.ts';
import { openTestContext, type OpenTestContext } from '../../test/context.ts';
import { AccountError } from '../accounts/errors.ts';
import { TokenError } from '../digest/tokens.ts';
import { QueryError } from '../query/errors.ts';
import { SourceError } from '../scan/sources.ts';
import { AdvancedFormError } from './advanced-query.ts';
import { NotFoundError, RateLimitedError } from './errors.ts';
import { buildServer } from './server.ts';

const THROWN: Record<string, () => Error> = {
  query: () => new QueryError('unexpected ")"', 4),
  form: () => new AdvancedFormError('from', 'Updated from: "x" is not a date'),
  source: () => new SourceError('source: no source named "x"'),
  token: () => new TokenError('This link is not valid.'),
  'account-invalid': () =>
    new AccountError('invalid', 'E-mail address: must look like name@example.com', 'email'),
  'account-token': () => new AccountError('token', 'This link has expired.'),
  'account-unknown-field': () => new AccountError('not_found', 'no technology is called "x"', 'technology'),
  'account-not-found': () => new AccountError('not_found', 'No such subscription.'),
  'account-auth': () => new AccountError('auth', 'Wrong e-mail address or password.'),
  'account-unconfirmed': () => new AccountError('unconfirmed', 'Confirm your address first.'),
  'account-conflict': () => new AccountError('conflict', 'That address is taken.'),
  'not-found': () => new NotFoundError('There is no article KB1 in the archive.'),
  'rate-limited': () => new RateLimitedError('Too many attempts in a short time.', 42),
  bug: () => new TypeError('x is undefined'),
};

const EXPECTED: [string, number, string][] = [
  ['query', 400, 'invalid_query'],
  ['form', 400, 'invalid_form'],
  ['source', 400, 'invalid_source'],
  ['token', 400, 'invalid_token'],
  ['account-invalid', 400, 'invalid'],
  ['account-token', 400, 'invalid_token'],
  ['account-unknown-field', 400, 'invalid'],
  ['account-not-found', 404, 'not_found'],
  ['account-auth', 401, 'auth'],
  ['account-unconfirmed', 403, 'unconfirmed'],
  ['account-conflict', 409, 'conflict'],
  ['not-found', 404, 'not_found'],
  ['rate-limited', 429, 'rate_limited'],
  ['bug', 500, 'internal'],
];

for (const dialect of DIALECTS) {
  describe(`web: errors at the boundary (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let t: OpenTestContext;
    let app: FastifyInstance;
    const json = async (url: string, method: 'GET' | 'POST' = 'GET') => {
      const res = await app.inject({ method, url, headers: { accept: 'application/json' } });
      return {
        status: res.statusCode,
        headers: res.headers,
        body: res.json() as { error: { code: string; message: string } },
      };
    };
    before(async () => {
      t = await openTestContext(dialect);
      app = buildServer(t.ctx);
      // A stand-in for a handler that forgets to catch what the domain throws.
      app.get('/throw/:kind', async (req) => {
        throw THROWN[(req.params as { kind: string }).kind]();
      });
      await app.ready();
    });
    after(async () => {
      await app?.close();
      await t?.close();
    });

    it('answers every domain error a handler did not catch with its one status and code', async () => {
      assert.deepEqual(
        EXPECTED.map(([kind]) => kind).sort(),
        Object.keys(THROWN).sort(),
        'every kind is checked',
      );
      for (const [kind, status, code] of EXPECTED) {
        const r = await json(`/throw/${kind}`);
        assert.equal(r.status, status, kind);
        assert.equal(r.body.error.code, code, kind);
        if (status < 500) assert.equal(r.body.error.message, THROWN[kind]().message, kind);
        else assert.doesNotMatch(r.body.error.message, /undefined/, 'a bug is not described to the visitor');
      }
      assert.equal((await json('/throw/rate-limited')).headers['retry-after'], '42');
    });

    it('shows a domain error as a page in the site look to browsers', async () => {
      const res = await app.inject({ url: '/throw/not-found', headers: { accept: 'text/html' } });
      assert.equal(res.statusCode, 404);
      assert.match(res.headers['content-type'] as string, /^text\/html/);
      assert.match(res.body, /<header class="site-header">/);
      assert.match(res.body, /There is no article KB1 in the archive\./);
    });

    it('refuses a revision id that is not a positive 32-bit whole number with a 400 naming it', async () => {
      for (const id of ['first', '1.5', '0', '-3', '2147483648', '99999999999999']) {
        const r = await json(`/api/v1/articles/307175/revisions/${id}`);
        assert.equal(r.status, 400, id);
        assert.equal(r.body.error.code, 'invalid_id', id);
        assert.match(r.body.error.message, /^api: id must be a revision id \(a whole number/, id);
        const page = await app.inject({ url: `/kb/307175/revisions/${id}` });
        assert.equal(page.statusCode, 400, id);
        assert.match(page.body, /rev must be a revision id/, id);
      }
      const byPath = await json('/api/v1/articles/revisions/abc?path=support/x.md');
      assert.deepEqual([byPath.status, byPath.body.error.code], [400, 'invalid_id']);
      const diff = await app.inject({ url: '/kb/307175/diff?from=x&to=1' });
      assert.equal(diff.statusCode, 400);
      assert.match(diff.body, /from must be a revision id .*got &quot;x&quot;/);
    });

    it('names a malformed query parameter and what it takes, and a repeated one', async () => {
      const limit = await json('/api/v1/search?q=winsock&limit=0');
      assert.deepEqual(limit.body.error, {
        code: 'invalid_limit',
        message: 'api: limit must be a whole number from 1 to 100, got "0"',
      });
      const twice = await json('/api/v1/search?q=a&q=b');
      assert.deepEqual(twice.body.error, { code: 'invalid_q', message: 'api: q must be given at most once' });
      const since = await json('/api/v1/changes');
      assert.equal(since.body.error.code, 'invalid_since');
      assert.match(since.body.error.message, /^api: since is required: an ISO 8601 date/);
      const empty = await json('/api/v1/changes?since=2024-01-01&limit=');
      assert.equal(empty.status, 200, 'an empty value counts as absent');
    });

    it('checks who may use a route before its schema, and the form before its fields', async () => {
      assert.equal((await json('/admin/sources/abc/scan', 'POST')).status, 401);
      assert.equal((await app.inject({ url: '/admin/users/abc' })).statusCode, 404);
      const notForm = await app.inject({
        method: 'POST',
        url: '/account/settings',
        headers: { 'content-type': 'text/plain' },
        payload: 'digestHour=3',
      });
      assert.equal(notForm.statusCode, 401);
      const multipart = await app.inject({
        method: 'POST',
        url: '/signup',
        headers: { 'content-type': 'multipart/form-data; boundary=x' },
        payload: '--x--\r\n',
      });
      assert.equal(multipart.statusCode, 415, 'only the one-click routes take multipart bodies');
    });
  });
}
