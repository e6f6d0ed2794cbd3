import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { insertChange, insertDigestUser, insertScan } from '../../test/digest-factories.ts';
import { insertArticle, insertSource } from '../../test/factories.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import type { Store } from './db.ts';
import { digestRecipients, digestRecipientsPage, insertUser, userEmail } from './users.ts';

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`store: users as digest recipients on ${dialect}`, { skip: reason }, () => {
    let store: Store;

    before(async () => {
      store = await createStore(dialect);
    });
    after(async () => store?.close());

    it('starts a new user at the newest change', async () => {
      const db = store.db;
      const first = await insertUser(db, { email: 'first@example.org', created_at: '2026-10-01T00:00:00Z' });
      assert.equal(first?.watermark, 0);
      const sourceId = await insertSource(db, 'support');
      const scanId = await insertScan(db, sourceId);
      const articleId = await insertArticle(db, { sourceId, title: 'A' });
      const changeId = await insertChange(db, { scanId, sourceId, articleId });
      const later = await insertUser(db, { email: 'later@example.org', created_at: '2026-10-02T00:00:00Z' });
      assert.equal(later?.watermark, changeId);
      assert.equal(
        await insertUser(db, { email: 'later@example.org', created_at: '2026-10-03T00:00:00Z' }),
        undefined,
        'an address is taken once',
      );
      assert.equal(await userEmail(db, first!.id), 'first@example.org');
      await assert.rejects(userEmail(db, 999_999));
    });

    it('lists only confirmed, unsuppressed users, with their digest settings', async () => {
      const db = store.db;
      const reader = await insertDigestUser(db, {
        email: 'reader@example.org',
        timeZone: 'Europe/Berlin',
        digestHour: 6,
        cadence: 'weekly',
        includeMinor: false,
      });
      await insertDigestUser(db, { email: 'unconfirmed@example.org', confirmed: false });
      const bounced = await insertDigestUser(db, { email: 'bounced@example.org' });
      await db
        .updateTable('users')
        .set({ suppressed_at: '2026-10-05T00:00:00Z' })
        .where('id', '=', bounced)
        .execute();
      const recipients = await digestRecipients(db);
      assert.deepEqual(
        recipients.map((u) => u.email).sort(),
        ['reader@example.org'],
        'users made by insertUser are unconfirmed',
      );
      const watermark = (
        await db.selectFrom('users').select('watermark').where('id', '=', reader).executeTakeFirstOrThrow()
      ).watermark;
      assert.deepEqual(recipients[0], {
        id: reader,
        email: 'reader@example.org',
        timeZone: 'Europe/Berlin',
        digestHour: 6,
        cadence: 'weekly',
        includeMinor: false,
        watermark,
      });
    });

    it('pages the recipients by id, a limit at a time', async () => {
      const db = store.db;
      const ids = [];
      for (let i = 0; i < 5; i++) ids.push(await insertDigestUser(db, { email: `page${i}@example.org` }));
      await insertDigestUser(db, { email: 'page-unconfirmed@example.org', confirmed: false });
      const all = (await digestRecipients(db)).map((u) => u.id).sort((a, b) => a - b);
      const pages: number[][] = [];
      for (let after = 0; ;) {
        const page = await digestRecipientsPage(db, after, 2);
        if (page.length === 0) break;
        pages.push(page.map((u) => u.id));
        after = page[page.length - 1].id;
      }
      assert.ok(pages.every((p) => p.length <= 2));
      assert.deepEqual(pages.flat(), all, 'every recipient once, in id order');
      assert.ok(ids.every((id) => all.includes(id)));
      assert.deepEqual(
        (await digestRecipientsPage(db, 0, 1))[0],
        (await digestRecipients(db)).find((u) => u.id === all[0]),
      );
    });
  });
}
