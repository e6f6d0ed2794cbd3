/** Admin pages: admins only, CSRF on every form, and sources with a real scan of a local git repository. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { startAdminWeb, type AdminWebTest } from '../../../test/admin-web.ts';
import { GitFixture, article } from '../../../test/git-fixture.ts';
import { csrfOf } from '../../../test/browser.ts';
import { scansStarted } from './scan-now.ts';

const PAGES = [
  '/admin',
  '/admin/sources',
  '/admin/scans',
  '/admin/outbox',
  '/admin/feedback',
  '/admin/users',
];
const FORMS = [
  '/admin/sources',
  '/admin/sources/1/scan',
  '/admin/sources/1/remove',
  '/admin/outbox/1/retry',
  '/admin/feedback/1/approve',
  '/admin/users/1/admin',
  '/admin/users/1/suppress',
];

for (const dialect of DIALECTS) {
  describe(`web: admin access and sources (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let t: AdminWebTest;
    before(async () => {
      t = await startAdminWeb(dialect);
    });
    after(() => t?.close());

    it('sends anonymous visitors to log in, refuses members with 403, shows admins every page', async () => {
      for (const path of PAGES) {
        const anon = await t.anonymous.get(path);
        assert.equal(anon.status, 303, path);
        assert.equal(anon.location, `/login?next=${encodeURIComponent(path)}`);
        const member = await t.member.get(path);
        assert.equal(member.status, 403, path);
        assert.match(member.text, /administrators only/);
        const admin = await t.admin.get(path);
        assert.equal(admin.status, 200, `${path}: ${admin.text.slice(0, 300)}`);
        assert.match(admin.headers.get('cache-control')!, /no-store/);
        assert.match(admin.text, /<nav class="admin-nav"/);
      }
    });

    it('refuses every form to anonymous visitors (401), members (403) and admins without the token (403)', async () => {
      const memberToken = csrfOf((await t.member.get('/account')).text);
      for (const path of FORMS) {
        assert.equal((await t.anonymous.post(path, { on: '1' })).status, 401, path);
        assert.equal((await t.member.post(path, { _csrf: memberToken, on: '1' })).status, 403, path);
        const forged = await t.admin.post(path, {
          _csrf: 'forged',
          on: '1',
          kind: 'git',
          location: 'file:///tmp/x',
        });
        assert.equal(forged.status, 403, path);
        assert.match(forged.text, /security token/);
      }
      assert.equal(
        await t.ctx.store.db.selectFrom('sources').select('id').executeTakeFirst(),
        undefined,
        'nothing was added',
      );
    });

    it('adds a git source, scans it now in the background, shows its status and removes it', async () => {
      const repo = new GitFixture();
      repo.write('support/net/winsock.md', article({ title: 'Winsock listen backlog', kb: 127144 }));
      repo.write('support/net/dns.md', article({ title: 'DNS client cache', kb: 318803 }));
      repo.commit('day 1');

      const bad = await t.admin.submit('/admin/sources', '/admin/sources', {
        kind: 'git',
        name: 'fixture',
        location: 'ext::sh -c evil',
        path: '',
      });
      assert.equal(bad.status, 400);
      assert.match(bad.text, /git URL must use https, ssh or file/);

      const added = await t.admin.submit('/admin/sources', '/admin/sources', {
        kind: 'git',
        name: 'fixture',
        location: repo.url,
        path: 'support/',
      });
      assert.equal(added.status, 303);
      const source = await t.ctx.store.db
        .selectFrom('sources')
        .selectAll()
        .where('name', '=', 'fixture')
        .executeTakeFirstOrThrow();
      let page = await t.admin.get('/admin/sources?done=added');
      assert.match(page.text, /never scanned/);
      assert.match(page.text, /The source was added/);

      const scan = await t.admin.submit('/admin/sources', `/admin/sources/${source.id}/scan`, {});
      assert.equal(scan.status, 303);
      assert.equal(scan.location, '/admin/sources?done=scan');
      await scansStarted();
      const articles = await t.ctx.store.db.selectFrom('articles').select('kb').orderBy('kb').execute();
      assert.deepEqual(
        articles.map((a) => a.kb),
        [127144, 318803],
      );
      page = await t.admin.get('/admin/sources');
      assert.match(page.text, /<td>ok<\/td>/);
      assert.match(page.text, /2024-02-01 12:00/);

      const scans = await t.admin.get('/admin/scans');
      assert.match(scans.text, /<td>fixture<\/td>/);
      assert.match(scans.text, /2 new/);
      assert.equal((scans.text.match(/<rect class="bar new" data-kind="new"/g) ?? []).length, 1);
      assert.match(scans.text, /<title>2024-02-01: 2 new<\/title>/);
      assert.doesNotMatch(scans.text, /class="bar updated"/);

      const removed = await t.admin.submit('/admin/sources', `/admin/sources/${source.id}/remove`, {});
      assert.equal(removed.status, 303);
      const after = await t.ctx.store.db
        .selectFrom('sources')
        .select(['enabled'])
        .where('id', '=', source.id)
        .executeTakeFirstOrThrow();
      assert.equal(after.enabled, 0);
      assert.doesNotMatch((await t.admin.get('/admin/sources')).text, /Scan now/);
    });
  });
}
