/**
 * A user back after six months (suppressed, then let back in) on both databases, through the
 * real SMTP sink: one digest for the day, its first 50 items in digest order, then "…and 312
 * more" linking to a search that lists every item, in the text and the HTML part; the window
 * read in pages; the watermark at the horizon; no second digest that day, nothing the next.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ParsedMail } from 'mailparser';
import { runDigestTick } from '../src/jobs/digest.ts';
import { search } from '../src/store/search/index.ts';
import { digestBench, type DigestBench } from './digest-context.ts';
import { insertChange, insertDigestUser, insertScan, subscribe } from './digest-factories.ts';
import { insertArticle } from './factories.ts';
import { RowCounter } from './row-counter.ts';
import { DIALECTS, skipReason } from './stores.ts';

const PAGE = 50;
const MONTHS = ['2026-05', '2026-06', '2026-07', '2026-08', '2026-09', '2026-10'];
const WORDS = [
  'Backup',
  'Cluster',
  'Login',
  'Setup',
  'Agent',
  'Quota',
  'Restore',
  'Index',
  'Mirror',
  'Trace',
];

interface Published {
  id: number;
  title: string;
}

/**
 * Six months of changes, a month at a time with a tick for the everyday reader on the 20th:
 * 300 SQL Server articles (20 of them about the firewall too), 62 Exchange articles about the
 * firewall, 100 Windows Server articles, and updates of 40 SQL Server articles.
 */
async function sixMonths(b: DigestBench): Promise<Published[]> {
  const db = b.store.db;
  const scanId = await insertScan(db, b.sourceId, '2026-05-01T03:00:00.000Z');
  const matching: Published[] = [];
  let n = 0;
  const publish = async (technologies: number[], body: string, at: string) => {
    n++;
    const title = `${WORDS[(n * 7) % WORDS.length]} ${WORDS[(n * 3) % WORDS.length]} ${n}`;
    const id = await insertArticle(db, {
      sourceId: b.sourceId,
      title,
      kb: 800_000 + n,
      body,
      technologies,
      lastChanged: at,
    });
    await insertChange(db, { scanId, sourceId: b.sourceId, articleId: id, kind: 'new', detectedAt: at });
    return { id, title };
  };
  for (const [m, month] of MONTHS.entries()) {
    const at = `${month}-${m === 5 ? '18' : '10'}T03:00:00.000Z`;
    for (let i = m; i < 300; i += 6)
      matching.push(await publish([b.tech.sql], i < 20 ? 'The firewall drops it.' : 'Nothing else.', at));
    for (let i = m; i < 62; i += 6) matching.push(await publish([b.tech.exchange], 'A firewall rule.', at));
    for (let i = m; i < 100; i += 6) await publish([b.tech.winsrv], 'Nothing to see.', at);
    for (let i = m; i < 40; i += 6) {
      const a = matching[20 + i];
      await insertChange(db, {
        scanId,
        sourceId: b.sourceId,
        articleId: a.id,
        kind: 'updated',
        detectedAt: at,
      });
      await db.updateTable('articles').set({ last_changed: at }).where('id', '=', a.id).execute();
    }
    if (m < 5) await b.tick(`${month}-20T08:00:00Z`);
  }
  return matching;
}

/** The one link the "…and N more" line of a part points to. */
function moreLink(mail: ParsedMail, hidden: number): { text: string; html: string } {
  const text = new RegExp(`^…and ${hidden} more on (\\S+)$`, 'm').exec(mail.text ?? '');
  const html = new RegExp(`<p>…and ${hidden} more on <a href="([^"]+)">kbwatch</a>\\.</p>`).exec(
    typeof mail.html === 'string' ? mail.html : '',
  );
  assert.ok(text, 'the text part says how many more and links to them');
  assert.ok(html, 'the HTML part says how many more and links to them');
  return { text: text[1], html: html[1].replace(/&amp;/g, '&') };
}

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`a user back after six months on ${dialect}`, { skip: reason }, () => {
    it('gets one digest: the first 50 items, then "and 312 more" with a link that lists them all', async (t) => {
      const b = await digestBench(dialect);
      try {
        const db = b.store.db;
        const back = await insertDigestUser(db, { email: 'back@example.org' });
        await subscribe(db, back, { technologyId: b.tech.sql });
        await subscribe(db, back, { query: 'firewall' });
        const everyday = await insertDigestUser(db, { email: 'everyday@example.org' });
        await subscribe(db, everyday, { technologyId: b.tech.winsrv });
        await b.publish('Before the break: SQL setup', [b.tech.sql]);
        await b.publish('Before the break: cluster', [b.tech.winsrv]);
        await b.tick('2026-04-20T08:00:00Z');
        assert.equal((await b.sink.to('back@example.org')).length, 1);
        await db
          .updateTable('users')
          .set({ suppressed_at: '2026-04-21T00:00:00Z' })
          .where('id', '=', back)
          .execute();

        const matching = await sixMonths(b);
        assert.equal(matching.length, 362);
        assert.equal((await b.sink.to('back@example.org')).length, 1, 'nothing while suppressed');
        assert.equal(
          (await b.sink.to('everyday@example.org')).length,
          6,
          'the everyday reader got each month',
        );

        await db.updateTable('users').set({ suppressed_at: null }).where('id', '=', back).execute();
        const counter = new RowCounter();
        const when = new Date('2026-10-20T08:00:00Z');
        const r = await runDigestTick(
          { ...b.ctx, store: { ...b.store, db: db.withPlugin(counter) }, now: () => when },
          {
            at: when,
            send: { mailer: b.mailer, backoffMs: 5, maxBackoffMs: 50 },
            compose: { windowPageSize: PAGE },
          },
        );
        const digest = r.digests.find((d) => d.user === 'back@example.org');
        assert.deepEqual(
          [digest?.period, digest?.items, digest?.status],
          ['2026-10-20', 362, 'sent'],
          'one digest counting every item',
        );

        const mails = await b.sink.to('back@example.org');
        assert.equal(mails.length, 2);
        const mail = mails[1];
        assert.equal(mail.subject, '362 new: SQL Server, Exchange Online');
        assert.match(mail.text!, /^kbwatch daily digest, 2026-10-20: 362 new$/m);
        const shown = [...mail.text!.split('\n-- \n')[0].matchAll(/^\* (.+?) \(KB\d+\)$/gm)].map((x) => x[1]);
        const expected = [...matching]
          .sort((x, y) => x.title.localeCompare(y.title) || x.id - y.id)
          .slice(0, 50)
          .map((a) => a.title);
        assert.deepEqual(shown, expected, 'the first 50 items in digest order');
        const html = typeof mail.html === 'string' ? mail.html : '';
        assert.equal(html.match(/<li class="i">/g)?.length, 50, 'the HTML part shows the same 50');

        const link = moreLink(mail, 312);
        assert.equal(link.html, link.text, 'both parts link to the same page');
        const url = new URL(link.text);
        assert.equal(`${url.origin}${url.pathname}`, 'https://kbwatch.example/search');
        assert.equal(url.searchParams.get('sort'), 'date');
        const q = url.searchParams.get('q')!;
        assert.equal(q, '(tech:"sql-server" OR (firewall)) updated:>=2026-05-10');
        const listed = await search(b.store, q, { limit: 500, sort: 'date' });
        const ids = new Set(listed.results.map((x) => x.articleId));
        assert.equal(listed.total, 362, 'the linked search lists the digest, and nothing else here');
        assert.deepEqual(
          matching.filter((a) => !ids.has(a.id)),
          [],
          'every item, shown or not, is on the linked page',
        );

        const row = await db
          .selectFrom('digests')
          .select(['items', 'item_count', 'from_change_id', 'to_change_id'])
          .where('user_id', '=', back)
          .where('period', '=', '2026-10-20')
          .executeTakeFirstOrThrow();
        assert.equal(row.item_count, 362);
        assert.equal((JSON.parse(row.items) as unknown[]).length, 50, 'the row keeps the items shown');
        const user = await db
          .selectFrom('users')
          .select('watermark')
          .where('id', '=', back)
          .executeTakeFirstOrThrow();
        assert.equal(user.watermark, r.compose!.horizon);
        assert.equal(row.to_change_id, r.compose!.horizon);

        const read = (table: string) => {
          const c = counter.of(table);
          return `${table} ${c.rows} rows in ${c.reads} reads (max ${c.maxRows})`;
        };
        t.diagnostic(
          `final tick: ${['changes', 'articles', 'article_fts', 'users', 'subscriptions'].map(read).join('; ')}`,
        );
        // Six months of changes, read a page at a time (an article has two changes at most).
        assert.ok(
          counter.of('changes').maxRows <= 2 * PAGE,
          `changes per read: ${counter.of('changes').maxRows}`,
        );
        assert.ok(
          counter.of('articles').maxRows <= PAGE,
          `articles per read: ${counter.of('articles').maxRows}`,
        );
        assert.ok(
          counter.of('article_fts').maxRows <= PAGE,
          `bodies per read: ${counter.of('article_fts').maxRows}`,
        );
        assert.ok(counter.of('articles').rows >= 462, 'yet every changed article was read');

        assert.equal((await b.tick('2026-10-20T20:00:00Z')).digests.length, 0, 'no second digest that day');
        await b.tick('2026-10-21T08:00:00Z');
        assert.equal((await b.sink.to('back@example.org')).length, 2, 'nothing new the next day');
      } finally {
        await b.close();
      }
    });
  });
}
