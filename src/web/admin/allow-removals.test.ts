/** The admin sources page offers "Allow removals" once the removal guard stopped a source's scan. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { startAdminWeb, type AdminWebTest } from '../../../test/admin-web.ts';
import { ClassicTree, kbRange } from '../../../test/classic-fixture.ts';
import { scanAll } from '../../scan/run.ts';
import { addSource } from '../../scan/sources.ts';
import { countLiveArticles, findSourceById } from '../../store/sources.ts';
import { scansStarted } from './scan-now.ts';

for (const dialect of DIALECTS) {
  describe(`web: admin allow removals (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let t: AdminWebTest;
    const tree = new ClassicTree(kbRange(760001, 50));
    before(async () => {
      t = await startAdminWeb(dialect);
    });
    after(async () => {
      tree.close();
      await t?.close();
    });

    it('a scan stopped by the guard is confirmed with "Allow removals", through the form', async () => {
      const db = t.ctx.store.db;
      const source = await addSource(t.ctx, { kind: 'classic', location: tree.dir, name: 'classic' });
      const action = `/admin/sources/${source.id}/scan`;
      assert.equal((await scanAll(t.ctx, {}))[0].counts.new, 50);
      let page = await t.admin.get('/admin/sources');
      assert.doesNotMatch(page.text, /Allow removals/, 'nothing to confirm while the source is well');

      tree.remove(kbRange(760001, 30));
      const scan = await t.admin.submit('/admin/sources', action, {});
      assert.equal(scan.location, '/admin/sources?done=scan');
      await scansStarted();
      assert.equal(await countLiveArticles(db, source.id), 50, 'a plain "Scan now" retires nothing');
      page = await t.admin.get('/admin/sources');
      assert.match(page.text, /would retire 30 of 50 live articles \(60%\); nothing was retired/);
      assert.match(page.text, /failing \(1×\)/);
      const forms = page.text.split('<form').filter((f) => f.includes(`action="${action}"`));
      assert.equal(forms.length, 2, '"Scan now" and "Allow removals"');
      assert.match(forms[1], /name="_csrf"/);
      assert.match(
        forms[1],
        /<input type="hidden" name="allowRemovals" value="1"><button type="submit">Allow removals</,
      );

      const bad = await t.admin.submit('/admin/sources', action, { allowRemovals: 'yes' });
      assert.equal(bad.status, 400);
      const forged = await t.admin.post(action, { allowRemovals: '1' });
      assert.equal(forged.status, 403, 'the CSRF token is still needed');
      assert.equal(await countLiveArticles(db, source.id), 50);

      const confirmed = await t.admin.submit('/admin/sources', action, { allowRemovals: '1' });
      assert.equal(confirmed.status, 303);
      assert.equal(confirmed.location, '/admin/sources?done=scan-removals');
      await scansStarted();
      assert.equal(await countLiveArticles(db, source.id), 20);
      assert.equal((await findSourceById(db, source.id))?.last_error, null);
      page = await t.admin.get('/admin/sources?done=scan-removals');
      assert.match(page.text, /its removals allowed/);
      assert.doesNotMatch(page.text, /Allow removals/);
    });
  });
}
