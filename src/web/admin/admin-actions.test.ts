/** Admin outbox, feedback moderation and users, through the real forms. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { startAdminWeb, type AdminWebTest } from '../../../test/admin-web.ts';
import { insertDigest } from '../../../test/api-factories.ts';
import { seedKb, type SeededKb } from '../../../test/web-fixtures.ts';
import { insertFeedback } from '../../store/feedback.ts';

for (const dialect of DIALECTS) {
  describe(`web: admin outbox, feedback and users (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let t: AdminWebTest;
    let kb: SeededKb;
    before(async () => {
      t = await startAdminWeb(dialect);
      kb = await seedKb(t.ctx.store.db);
    });
    after(() => t?.close());

    it('lists digests by status and puts a failed one back in the queue', async () => {
      const db = t.ctx.store.db;
      await insertDigest(db, t.memberId, '2024-01-13', 'sent');
      const failed = await insertDigest(db, t.memberId, '2024-01-14', 'failed', '550 <mailbox> unknown');
      await insertDigest(db, t.memberId, '2024-01-15', 'queued');
      const page = await t.admin.get('/admin/outbox?status=failed');
      assert.match(page.text, /failed \(1\)/);
      assert.match(page.text, /550 &lt;mailbox&gt; unknown/);
      assert.match(page.text, new RegExp(`action="/admin/outbox/${failed}/retry"`));
      assert.doesNotMatch(page.text, /2024-01-13/, 'only failed digests on the failed tab');
      const all = await t.admin.get('/admin/outbox');
      assert.equal((all.text.match(/>Retry</g) ?? []).length, 1, 'only failed digests can be retried');

      const r = await t.admin.submit('/admin/outbox?status=failed', `/admin/outbox/${failed}/retry`, {});
      assert.equal(r.status, 303);
      const row = await db
        .selectFrom('digests')
        .selectAll()
        .where('id', '=', failed)
        .executeTakeFirstOrThrow();
      assert.equal(row.status, 'queued');
      assert.equal(row.attempts, 0);
      assert.equal(row.next_attempt_at, null);
      assert.match((await t.admin.get(r.location!)).text, /queued again/);
      const again = await t.admin
        .submit('/admin/outbox', `/admin/outbox/${failed}/retry`, {})
        .catch((e) => e);
      assert.ok(again instanceof Error, 'no retry button once it is queued');
    });

    it('approves and rejects pending feedback, showing hostile text as text', async () => {
      const db = t.ctx.store.db;
      const base = {
        article_id: kb.articles.winsock,
        user_id: null,
        contact: 'javascript:alert(1)',
        status: 'pending' as const,
        created_at: '2024-01-30T10:00:00.000Z',
        ip_hash: 'x',
      };
      const good = await insertFeedback(db, {
        ...base,
        name: 'Ann',
        body: 'Worked for me <script>alert(1)</script>',
      });
      const spam = await insertFeedback(db, {
        ...base,
        name: '<img src=x onerror=alert(1)>',
        body: 'Buy now',
      });
      const page = await t.admin.get('/admin/feedback');
      assert.match(page.text, /2 items waiting/);
      assert.doesNotMatch(page.text, /<script>alert|<img src=x|href="javascript:/);
      assert.match(page.text, /Worked for me &lt;script&gt;/);
      assert.equal(
        (await t.admin.submit('/admin/feedback', `/admin/feedback/${good}/approve`, {})).status,
        303,
      );
      assert.equal(
        (await t.admin.submit('/admin/feedback', `/admin/feedback/${spam}/reject`, {})).status,
        303,
      );
      const rows = await db.selectFrom('feedback').select(['id', 'status']).orderBy('id').execute();
      assert.deepEqual(
        rows.map((r) => r.status),
        ['approved', 'rejected'],
      );
      assert.match((await t.admin.get('/admin/feedback')).text, /Nothing waiting/);
      const token = /name="_csrf" value="([^"]+)"/.exec((await t.admin.get('/admin/users')).text)![1];
      assert.equal((await t.admin.post(`/admin/feedback/${good}/delete`, { _csrf: token })).status, 404);
      assert.equal((await t.admin.post('/admin/feedback/999999/approve', { _csrf: token })).status, 404);
    });

    it('makes a member admin and back, suppresses and allows mail, never revokes itself', async () => {
      const db = t.ctx.store.db;
      const queued = await insertDigest(db, t.memberId, '2024-01-20', 'queued');
      const action = (id: number, what: string, on: string) =>
        t.admin.submit('/admin/users', `/admin/users/${id}/${what}`, { on });
      assert.equal((await action(t.memberId, 'admin', '1')).status, 303);
      assert.equal(
        (
          await db
            .selectFrom('users')
            .select('is_admin')
            .where('id', '=', t.memberId)
            .executeTakeFirstOrThrow()
        ).is_admin,
        1,
      );
      assert.equal((await t.member.get('/admin')).status, 200, 'the new admin sees the admin pages');
      assert.equal((await action(t.memberId, 'admin', '0')).status, 303);
      assert.equal((await t.member.get('/admin')).status, 403);

      assert.equal((await action(t.memberId, 'suppress', '1')).status, 303);
      const user = await db
        .selectFrom('users')
        .selectAll()
        .where('id', '=', t.memberId)
        .executeTakeFirstOrThrow();
      assert.equal(user.suppressed_at, '2024-02-01T12:00:00.000Z');
      assert.equal(
        (await db.selectFrom('digests').select('status').where('id', '=', queued).executeTakeFirstOrThrow())
          .status,
        'suppressed',
      );
      assert.match((await t.admin.get('/admin/users')).text, /since 2024-02-01 12:00/);
      assert.equal((await action(t.memberId, 'suppress', '0')).status, 303);
      assert.equal(
        (
          await db
            .selectFrom('users')
            .select('suppressed_at')
            .where('id', '=', t.memberId)
            .executeTakeFirstOrThrow()
        ).suppressed_at,
        null,
      );

      const self = await t.admin.post(`/admin/users/${t.adminId}/admin`, {
        _csrf: /name="_csrf" value="([^"]+)"/.exec((await t.admin.get('/admin/users')).text)![1],
        on: '0',
      });
      assert.equal(self.status, 400);
      assert.match(self.text, /cannot revoke your own admin role/);
    });
  });
}
