/**
 * The digest from changes to received mail, on both databases, through a real SMTP server on
 * loopback: one mail per period at most, nothing without items, nothing lost after downtime,
 * subscriptions' states respected.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason } from './stores.ts';
import { digestBench, type DigestBench } from './digest-context.ts';
import { insertDigestUser, subscribe } from './digest-factories.ts';

async function withBench(
  dialect: (typeof DIALECTS)[number],
  fn: (b: DigestBench) => Promise<void>,
): Promise<void> {
  const b = await digestBench(dialect);
  try {
    await fn(b);
  } finally {
    await b.close();
  }
}

/** Titles of the digest mails one address received, each mail's titles in its order. */
async function received(b: DigestBench, email: string): Promise<string[][]> {
  const mails = await b.sink.to(email);
  return mails.map((m) =>
    [...(m.text ?? '').split('\n-- \n')[0].matchAll(/^[*-] (.+?)(?: \(KB\d+\))?(?:: https\S+)?$/gm)].map(
      (x) => x[1],
    ),
  );
}

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`digest on ${dialect}`, { skip: reason }, () => {
    it('sends nothing when no change matches, and advances the watermark', () =>
      withBench(dialect, async (b) => {
        const user = await insertDigestUser(b.store.db, { email: 'sql@example.org' });
        await subscribe(b.store.db, user, { technologyId: b.tech.sql });
        await b.publish('Exchange mailbox quota', [b.tech.exchange]);
        const r = await b.tick('2026-10-20T08:00:00Z');
        assert.equal(r.compose!.queued.length, 0);
        assert.equal(r.compose!.empty, 1);
        assert.equal(b.sink.accepted.length, 0);
        const row = await b.store.db
          .selectFrom('users')
          .select('watermark')
          .where('id', '=', user)
          .executeTakeFirstOrThrow();
        assert.equal(row.watermark, r.compose!.horizon);
      }));

    it('sends at most one mail per period; later changes wait for the next period', () =>
      withBench(dialect, async (b) => {
        const user = await insertDigestUser(b.store.db, { email: 'ws@example.org', digestHour: 7 });
        await subscribe(b.store.db, user, { technologyId: b.tech.winsrv });
        await b.publish('Cluster validation fails', [b.tech.winsrv]);
        assert.equal((await b.tick('2026-10-20T06:55:00Z')).digests.length, 0, 'not due before 07:00');
        const first = await b.tick('2026-10-20T07:05:00Z');
        assert.deepEqual(
          first.digests.map((d) => [d.user, d.period, d.items, d.status, d.messageId]),
          [['ws@example.org', '2026-10-20', 1, 'sent', `digest-${user}-2026-10-20@kbwatch.example`]],
        );
        await b.publish('DNS scavenging removes records', [b.tech.winsrv]);
        assert.equal(
          (await b.tick('2026-10-20T09:00:00Z')).digests.length,
          0,
          'second tick in the same period',
        );
        assert.equal((await b.tick('2026-10-20T23:59:00Z')).digests.length, 0);
        await b.tick('2026-10-21T07:00:00Z');
        assert.deepEqual(await received(b, 'ws@example.org'), [
          ['Cluster validation fails'],
          ['DNS scavenging removes records'],
        ]);
      }));

    it('after three days down, one mail carries all three days', () =>
      withBench(dialect, async (b) => {
        const user = await insertDigestUser(b.store.db, { email: 'down@example.org' });
        await subscribe(b.store.db, user, { technologyId: b.tech.sql });
        await b.tick('2026-10-20T08:00:00Z');
        const a = await b.publish('Day one: backup fails', [b.tech.sql]);
        await b.publish('Day two: setup hangs', [b.tech.sql]);
        await b.update(a);
        await b.publish('Day three: AG failover', [b.tech.sql]);
        const r = await b.tick('2026-10-24T08:00:00Z');
        assert.equal(r.digests.length, 1);
        assert.equal(r.digests[0].period, '2026-10-24');
        const mails = await received(b, 'down@example.org');
        assert.equal(mails.length, 1);
        assert.deepEqual([...mails[0]].sort(), [
          'Day one: backup fails',
          'Day three: AG failover',
          'Day two: setup hangs',
        ]);
        const mail = (await b.sink.to('down@example.org'))[0];
        assert.match(
          mail.subject!,
          /^3 new: SQL Server$/,
          'an article new since the watermark is new, even if also updated',
        );
      }));

    it('a user created after a change does not get it', () =>
      withBench(dialect, async (b) => {
        const early = await insertDigestUser(b.store.db, { email: 'early@example.org' });
        await subscribe(b.store.db, early, { technologyId: b.tech.winsrv });
        await b.publish('Before the late user', [b.tech.winsrv]);
        const late = await insertDigestUser(b.store.db, { email: 'late@example.org' });
        await subscribe(b.store.db, late, { technologyId: b.tech.winsrv });
        await b.publish('After the late user', [b.tech.winsrv]);
        await b.tick('2026-10-20T08:00:00Z');
        assert.deepEqual(await received(b, 'early@example.org'), [
          ['After the late user', 'Before the late user'],
        ]);
        assert.deepEqual(await received(b, 'late@example.org'), [['After the late user']]);
      }));

    it('respects paused and muted subscriptions, minor-update settings and confirmation', () =>
      withBench(dialect, async (b) => {
        const db = b.store.db;
        const paused = await insertDigestUser(db, { email: 'paused@example.org' });
        await subscribe(db, paused, { technologyId: b.tech.winsrv }, { paused: true });
        const muted = await insertDigestUser(db, { email: 'muted@example.org' });
        await subscribe(db, muted, { technologyId: b.tech.winsrv }, { muted: true });
        await subscribe(db, muted, { query: 'firewall' });
        const noMinor = await insertDigestUser(db, { email: 'nominor@example.org', includeMinor: false });
        await subscribe(db, noMinor, { technologyId: b.tech.sql });
        const unconfirmed = await insertDigestUser(db, {
          email: 'unconfirmed@example.org',
          confirmed: false,
        });
        await subscribe(db, unconfirmed, { technologyId: b.tech.winsrv });
        const sqlArticle = await b.publish('Old SQL article', [b.tech.sql]);
        await b.tick('2026-10-20T08:00:00Z');
        await b.publish('Windows firewall blocks RPC', [b.tech.winsrv], {
          body: 'The firewall drops traffic.',
        });
        await b.update(sqlArticle, { minor: true });
        await b.tick('2026-10-21T08:00:00Z');
        assert.deepEqual(await received(b, 'paused@example.org'), []);
        assert.deepEqual(
          await received(b, 'muted@example.org'),
          [['Windows firewall blocks RPC']],
          'only through the query subscription',
        );
        assert.deepEqual(
          await received(b, 'nominor@example.org'),
          [['Old SQL article']],
          'day one only: the minor update is left out',
        );
        assert.deepEqual(await received(b, 'unconfirmed@example.org'), []);
      }));

    it('lists minor updates last and says why each article was sent', () =>
      withBench(dialect, async (b) => {
        const db = b.store.db;
        const a1 = await b.publish('Zeta: SQL index rebuild', [b.tech.sql]);
        const a2 = await b.publish('Alpha: SQL tempdb sizing', [b.tech.sql]);
        const user = await insertDigestUser(db, { email: 'why@example.org' });
        const bySql = await subscribe(db, user, { technologyId: b.tech.sql });
        await subscribe(db, user, { query: 'tempdb' });
        await b.update(a1, { minor: true });
        await b.update(a2);
        await b.publish('Beta: SQL new article', [b.tech.sql]);
        await b.tick('2026-10-20T08:00:00Z');
        const [mail] = await b.sink.to('why@example.org');
        assert.deepEqual((await received(b, 'why@example.org'))[0], [
          'Beta: SQL new article',
          'Alpha: SQL tempdb sizing',
          'Zeta: SQL index rebuild',
        ]);
        assert.match(
          mail.text!,
          /Alpha: SQL tempdb sizing[^\n]*\n[^\n]*Updated: Resolution \(\+25 \/ -4 words\)[\s\S]*?Because you follow: SQL Server, "tempdb"/,
        );
        const items = JSON.parse(
          (await db.selectFrom('digests').select('items').executeTakeFirstOrThrow()).items,
        ) as { subscriptionIds: number[] }[];
        assert.ok(items.every((i) => i.subscriptionIds.includes(bySql)));
      }));
  });
}
