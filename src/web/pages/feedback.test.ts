import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Browser, csrfOf } from '../../../test/browser.ts';
import { DIALECTS, skipReason } from '../../../test/stores.ts';
import { seedSite, type Site } from '../../../test/web-factories.ts';
import { startTestServer, type TestServer } from '../../../test/web-server.ts';
import { addUser } from '../../accounts/users.ts';
import { listPendingFeedback, moderateFeedback } from '../../store/feedback.ts';

for (const dialect of DIALECTS) {
  describe(`web: article feedback (${dialect})`, async () => {
    const skip = await skipReason(dialect);
    let w: TestServer;
    let site: Site;
    before(async () => {
      if (skip) return;
      w = await startTestServer(dialect);
      site = await seedSite(w.ctx.store.db);
      await addUser(w.ctx, { email: 'reader@example.org', password: 'reader password 1', confirmed: true });
    });
    beforeEach(async () => {
      if (skip) return;
      await w.ctx.store.db.deleteFrom('rate_limits').execute();
      await w.ctx.store.db.deleteFrom('feedback').where('article_id', '=', site.articles.socket).execute();
    });
    after(() => w?.close());

    const rows = () =>
      w.ctx.store.db
        .selectFrom('feedback')
        .selectAll()
        .where('article_id', '=', site.articles.socket)
        .orderBy('id')
        .execute();

    /** Opens the article as a visitor and sends the feedback form with its token. */
    async function post(b: Browser, fields: Record<string, string>) {
      const page = await b.get('/kb/307175');
      return b.post('/feedback', {
        _csrf: csrfOf(page.text, '/feedback'),
        article: String(site.articles.socket),
        name: '',
        contact: '',
        website: '',
        ...fields,
      });
    }

    it('refuses a post without a valid form token (403) and stores nothing', { skip }, async () => {
      const b = new Browser(w.url);
      await b.get('/kb/307175');
      const none = await b.post('/feedback', { article: String(site.articles.socket), body: 'No token' });
      assert.equal(none.status, 403);
      const forged = await b.post('/feedback', {
        _csrf: 'forged',
        article: String(site.articles.socket),
        body: 'Forged token',
      });
      assert.equal(forged.status, 403);
      const other = new Browser(w.url);
      const stolen = await other.post('/feedback', {
        _csrf: csrfOf((await b.get('/kb/307175')).text, '/feedback'),
        article: String(site.articles.socket),
        body: 'Token of another browser',
      });
      assert.equal(stolen.status, 403);
      assert.deepEqual(await rows(), []);
    });

    it('keeps an anonymous post for moderation, then shows it once approved', { skip }, async () => {
      const b = new Browser(w.url);
      const r = await post(b, {
        name: 'Scott',
        contact: 'scott@example.org',
        body: 'SO_EXCLUSIVEADDRUSE fixed it\nfor me.',
      });
      assert.equal(r.status, 303);
      assert.equal(r.location, '/kb/307175?feedback=pending#feedback');
      const [stored] = await rows();
      assert.equal(stored.status, 'pending');
      assert.equal(stored.contact, 'scott@example.org');
      assert.equal(stored.user_id, null);
      assert.match(stored.ip_hash, /^[\w-]{22}$/);
      const thanks = await b.get('/kb/307175?feedback=pending');
      assert.match(thanks.text, /once a moderator has read it/);
      assert.doesNotMatch(thanks.text, /SO_EXCLUSIVEADDRUSE fixed it/);
      assert.match(thanks.text, /Be the first to leave feedback/);

      const pending = await listPendingFeedback(w.ctx.store.db);
      assert.ok(pending.some((p) => p.id === stored.id && p.article_kb === 307175));
      assert.equal(await moderateFeedback(w.ctx.store.db, stored.id, 'approved'), true);
      assert.equal(await moderateFeedback(w.ctx.store.db, 999_999, 'approved'), false);
      const shown = await b.get('/kb/307175');
      assert.match(
        shown.text,
        /<strong>Scott<\/strong>[\s\S]*<p class="text">SO_EXCLUSIVEADDRUSE fixed it\nfor me.<\/p>/,
      );
      assert.doesNotMatch(shown.text, /scott@example\.org/);
      assert.doesNotMatch(shown.text, /Be the first to leave feedback/);
      assert.ok(!(await listPendingFeedback(w.ctx.store.db)).some((p) => p.id === stored.id));
      await moderateFeedback(w.ctx.store.db, stored.id, 'rejected');
      assert.doesNotMatch((await b.get('/kb/307175')).text, /SO_EXCLUSIVEADDRUSE fixed it/);
    });

    it('publishes the feedback of a signed-in confirmed user at once', { skip }, async () => {
      const b = new Browser(w.url);
      const login = await b.submit('/login', '/login', {
        email: 'reader@example.org',
        password: 'reader password 1',
      });
      assert.equal(login.status, 303);
      const r = await post(b, { body: 'Confirmed reader says hi', contact: 'https://reader.example.org/' });
      assert.equal(r.location, '/kb/307175?feedback=approved#feedback');
      const [stored] = await rows();
      assert.equal(stored.status, 'approved');
      assert.ok(stored.user_id);
      const page = await b.get('/kb/307175');
      assert.match(
        page.text,
        /<a href="https:\/\/reader.example.org\/" rel="nofollow ugc noopener noreferrer">Anonymous<\/a>/,
      );
      assert.match(page.text, /Confirmed reader says hi/);
    });

    it('silently discards a post with the honeypot filled', { skip }, async () => {
      const b = new Browser(w.url);
      const r = await post(b, { body: 'Buy things', website: 'http://spam.example' });
      assert.equal(r.status, 303);
      assert.equal(r.location, '/kb/307175?feedback=pending#feedback');
      assert.deepEqual(await rows(), []);
    });

    it('shows the form again with the problem for bad fields', { skip }, async () => {
      const b = new Browser(w.url);
      const cases: [Record<string, string>, RegExp][] = [
        [{ body: '   ' }, /Comments: please write something/],
        [{ body: 'x'.repeat(4001) }, /Comments: at most 4000 characters/],
        [{ body: 'ok', contact: 'javascript:alert(1)' }, /Public URL or e-mail: enter a web address/],
        [{ body: 'ok', name: 'n'.repeat(101) }, /Name: at most 100 characters/],
      ];
      for (const [fields, message] of cases) {
        const r = await post(b, { name: '<b>kept</b>', ...fields });
        assert.equal(r.status, 400, JSON.stringify(fields).slice(0, 60));
        assert.match(r.text, message);
        assert.match(r.text, /<h1 id="article-title">Differences Between/, 'the article page again');
        if (!fields.name)
          assert.match(r.text, /value="&lt;b&gt;kept&lt;\/b&gt;"/, 'the fields are kept, escaped');
      }
      assert.deepEqual(await rows(), []);
    });

    it('limits posts to 5 per 10 minutes per address', { skip }, async () => {
      const b = new Browser(w.url);
      for (let i = 0; i < 5; i++)
        assert.equal((await post(b, { body: `Post ${i}` })).status, 303, `post ${i}`);
      const sixth = await post(b, { body: 'One too many' });
      assert.equal(sixth.status, 429);
      assert.match(sixth.headers.get('retry-after') ?? '', /^\d+$/);
      assert.match(sixth.text, /Too many feedback posts/);
      assert.equal((await rows()).length, 5);
    });
  });
}
