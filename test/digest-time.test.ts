/**
 * Digest times across zones and the October 2026 DST change, on both databases: users in
 * Pacific/Honolulu (no DST), Asia/Kathmandu (+05:45) and Europe/Berlin (CEST → CET on
 * 2026-10-25, with 02:00–02:59 happening twice) get one digest per local day, at the first tick
 * after their digest hour, over several simulated days ticking every 15 minutes. The expected
 * schedule is computed here from fixed UTC offsets, independently of Intl.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DIALECTS, skipReason } from './stores.ts';
import { digestBench } from './digest-context.ts';
import { insertDigestUser, subscribe } from './digest-factories.ts';

const START = Date.parse('2026-10-22T00:00:00Z');
const END = Date.parse('2026-10-27T12:00:00Z');
const STEP = 15 * 60_000;
const BERLIN_CET_FROM = Date.parse('2026-10-25T01:00:00Z');

interface Who {
  email: string;
  timeZone: string;
  digestHour: number;
  /** Minutes east of UTC at an instant. */
  offset(utc: number): number;
}

const USERS: Who[] = [
  { email: 'honolulu@example.org', timeZone: 'Pacific/Honolulu', digestHour: 7, offset: () => -600 },
  { email: 'kathmandu@example.org', timeZone: 'Asia/Kathmandu', digestHour: 7, offset: () => 345 },
  {
    email: 'berlin2@example.org',
    timeZone: 'Europe/Berlin',
    digestHour: 2,
    offset: (t) => (t < BERLIN_CET_FROM ? 120 : 60),
  },
  {
    email: 'berlin7@example.org',
    timeZone: 'Europe/Berlin',
    digestHour: 7,
    offset: (t) => (t < BERLIN_CET_FROM ? 120 : 60),
  },
];

/** Articles are published twice a day, just before the tick at the same instant. */
const isPublishTime = (t: number) => t % (12 * 3_600_000) === 3 * 3_600_000;

/** The expected (period, UTC time) of each digest, from fixed offsets. */
function expectedDigests(who: Who): { period: string; at: string }[] {
  const out: { period: string; at: string }[] = [];
  let pending = false;
  let lastPeriod = '';
  for (let t = START; t <= END; t += STEP) {
    if (isPublishTime(t)) pending = true;
    const local = new Date(t + who.offset(t) * 60_000);
    const period = local.toISOString().slice(0, 10);
    if (pending && period !== lastPeriod && local.getUTCHours() >= who.digestHour) {
      out.push({ period, at: new Date(t).toISOString() });
      lastPeriod = period;
      pending = false;
    }
  }
  return out;
}

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`digest times on ${dialect}`, { skip: reason }, () => {
    it('one digest per local day in Honolulu, Kathmandu and Berlin across the DST change', async () => {
      const b = await digestBench(dialect);
      try {
        for (const u of USERS) {
          const id = await insertDigestUser(b.store.db, {
            email: u.email,
            timeZone: u.timeZone,
            digestHour: u.digestHour,
          });
          await subscribe(b.store.db, id, { technologyId: b.tech.winsrv });
        }
        const published: string[] = [];
        for (let t = START; t <= END; t += STEP) {
          if (isPublishTime(t)) {
            const title = `Published ${new Date(t).toISOString()}`;
            await b.publish(title, [b.tech.winsrv]);
            published.push(title);
          }
          await b.tick(new Date(t).toISOString());
        }
        for (const u of USERS) {
          const rows = await b.store.db
            .selectFrom('digests as d')
            .innerJoin('users as u', 'u.id', 'd.user_id')
            .select(['d.period', 'd.created_at', 'd.status', 'd.items'])
            .where('u.email', '=', u.email)
            .orderBy('d.id')
            .execute();
          const expected = expectedDigests(u);
          assert.ok(expected.length >= 5, `${u.email}: the simulation covers at least five local days`);
          assert.deepEqual(
            rows.map((r) => ({ period: r.period, at: r.created_at })),
            expected,
            u.email,
          );
          assert.ok(rows.every((r) => r.status === 'sent'));
          const mails = await b.sink.to(u.email);
          assert.equal(mails.length, rows.length, `${u.email}: one mail per digest`);
          assert.equal(
            new Set(mails.map((m) => m.messageId)).size,
            mails.length,
            `${u.email}: Message-IDs differ per period`,
          );
          const titles = rows.flatMap((r) =>
            (JSON.parse(r.items) as { title: string }[]).map((i) => i.title),
          );
          assert.equal(new Set(titles).size, titles.length, `${u.email}: no article twice`);
          const lastAt = rows[rows.length - 1].created_at;
          assert.deepEqual(
            titles.sort(),
            published.filter((p) => p.slice(10) <= lastAt).sort(),
            `${u.email}: nothing lost`,
          );
        }
        const berlin2 = expectedDigests(USERS[2]).find((d) => d.period === '2026-10-25');
        assert.equal(
          berlin2?.at,
          '2026-10-25T00:00:00.000Z',
          'the first 02:00 (CEST); the repeated 02:00 (CET, 01:00Z) sends nothing more',
        );
        assert.equal(
          expectedDigests(USERS[2]).find((d) => d.period === '2026-10-26')?.at,
          '2026-10-26T01:00:00.000Z',
        );
        assert.equal(
          expectedDigests(USERS[3]).find((d) => d.period === '2026-10-25')?.at,
          '2026-10-25T06:00:00.000Z',
        );
        assert.equal(
          expectedDigests(USERS[1])[1]?.at.slice(11),
          '01:15:00.000Z',
          'Kathmandu 07:00 is 01:15Z',
        );
      } finally {
        await b.close();
      }
    });
  });
}
