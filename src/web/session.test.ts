import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../test/web-server.ts';
import { addUser } from '../accounts/users.ts';
import { requireAdmin } from './session.ts';
import { localPath } from './form.ts';

describe('web: sessions and roles', () => {
  let w: TestServer;
  before(async () => {
    w = await startTestServer('sqlite', {
      // A stand-in for an admin page, using the helper the way admin pages do.
      routes: (app, ctx) =>
        app.get('/admin-probe', async (req) => ({ admin: (await requireAdmin(ctx, req)).user.email })),
    });
    await addUser(w.ctx, {
      email: 'admin@example.com',
      password: 'admin password',
      confirmed: true,
      admin: true,
    });
    await addUser(w.ctx, { email: 'user@example.com', password: 'user password', confirmed: true });
  });
  after(() => w?.close());

  it('lets only admins through requireAdmin', async () => {
    assert.equal((await w.browser().get('/admin-probe')).status, 401);
    const user = w.browser();
    await user.submit('/login', '/login', { email: 'user@example.com', password: 'user password' });
    const forbidden = await user.get('/admin-probe');
    assert.equal(forbidden.status, 403);
    assert.match(forbidden.text, /administrators only/);
    const admin = w.browser();
    await admin.submit('/login', '/login', { email: 'admin@example.com', password: 'admin password' });
    const ok = await admin.get('/admin-probe');
    assert.equal(ok.status, 200);
    assert.deepEqual(JSON.parse(ok.text), { admin: 'admin@example.com' });
  });

  it('ends sessions after 30 days and ignores forged cookies', async () => {
    const b = w.browser();
    await b.submit('/login', '/login', { email: 'user@example.com', password: 'user password' });
    assert.equal((await b.get('/account')).status, 200);
    w.clock.advance(30 * 24 * 3600_000 + 1000);
    assert.equal((await b.get('/account')).location, '/login?next=/account');
    const forged = w.browser();
    forged.cookies.set('kbw_session', 'A'.repeat(43));
    assert.equal((await forged.get('/account')).status, 303);
  });

  it('redirects after login only to local paths', async () => {
    assert.equal(localPath('/account/email'), '/account/email');
    for (const bad of ['//evil.example', 'https://evil.example', '/\\evil.example', '', undefined, 'account'])
      assert.equal(localPath(bad), '/account', String(bad));
    const b = w.browser();
    const r = await b.submit('/login?next=//evil.example/x', '/login', {
      email: 'admin@example.com',
      password: 'admin password',
    });
    assert.equal(r.location, '/account');
  });
});
