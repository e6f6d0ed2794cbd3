/**
 * Delivery against a misbehaving SMTP server, on both databases: temporary failures and dropped
 * connections are retried until every digest arrives exactly once; permanent rejections fail
 * visibly; three hard bounces suppress the address.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { listOutbox } from '../src/store/outbox.ts';
import { DIALECTS, skipReason } from './stores.ts';
import { digestBench, type DigestBench } from './digest-context.ts';
import { insertDigestUser, subscribe } from './digest-factories.ts';

async function usersFollowing(b: DigestBench, n: number, prefix: string): Promise<string[]> {
  const emails: string[] = [];
  for (let i = 0; i < n; i++) {
    const email = `${prefix}${i}@example.org`;
    const id = await insertDigestUser(b.store.db, { email });
    await subscribe(b.store.db, id, { technologyId: b.tech.winsrv });
    emails.push(email);
  }
  return emails;
}

async function unsent(b: DigestBench): Promise<number> {
  const r = await b.store.db
    .selectFrom('digests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', 'in', ['queued', 'sending'])
    .executeTakeFirstOrThrow();
  return Number(r.n);
}

for (const dialect of DIALECTS) {
  const reason = await skipReason(dialect);
  describe(`digest delivery on ${dialect}`, { skip: reason }, () => {
    it('delivers every digest exactly once through 421/451 answers and dropped connections', async () => {
      const b = await digestBench(dialect, {
        tempFailRate: 0.3,
        dropRate: 0.1,
        seed: dialect === 'sqlite' ? 7 : 8,
      });
      try {
        const emails = await usersFollowing(b, 60, 'flaky');
        await b.publish('Kerberos errors after the update', [b.tech.winsrv]);
        let rounds = 0;
        do {
          await b.tick('2026-10-20T08:00:00Z', { maxAttempts: 12, concurrency: 4 });
          await new Promise((r) => setTimeout(r, 60));
        } while ((await unsent(b)) > 0 && ++rounds < 100);
        assert.ok(
          b.sink.stats.tempFailed > 5 && b.sink.stats.dropped > 0,
          `faults happened: ${JSON.stringify(b.sink.stats)}`,
        );
        const counts = b.sink.countByRecipient();
        for (const email of emails)
          assert.equal(counts.get(email), 1, `${email} received ${counts.get(email) ?? 0} messages`);
        const rows = await listOutbox(b.store.db);
        assert.equal(rows.length, 60);
        assert.ok(rows.every((r) => r.status === 'sent'));
        assert.ok(
          rows.some((r) => r.attempts > 1),
          'some needed more than one attempt',
        );
      } finally {
        await b.close();
      }
    });

    it('sends a digest row written without a body row from its own columns', async () => {
      const b = await digestBench(dialect);
      try {
        const user = await insertDigestUser(b.store.db, { email: 'legacy@example.org' });
        await b.store.db
          .insertInto('digests')
          .values({
            user_id: user,
            period: '2026-10-19',
            status: 'queued',
            to_address: 'legacy@example.org',
            message_id: 'legacy-1@kbwatch.example',
            subject: 'Legacy',
            text_body: 'plain body',
            html_body: '<p>html body</p>',
            headers: '{}',
            items: '[]',
            item_count: 0,
            from_change_id: 0,
            to_change_id: 0,
            attempts: 0,
            created_at: '2026-10-19T08:00:00Z',
          })
          .execute();
        await b.tick('2026-10-20T08:00:00Z');
        const [mail] = await b.sink.to('legacy@example.org');
        assert.equal(mail.text?.trim(), 'plain body');
        assert.match(String(mail.html), /html body/);
      } finally {
        await b.close();
      }
    });

    it('records a 550 as failed, visible in `kbwatch outbox --json`; three hard bounces suppress', async () => {
      const b = await digestBench(dialect, { rejectRecipients: ['gone@example.org'] });
      try {
        const [ok] = await usersFollowing(b, 1, 'fine');
        const gone = await insertDigestUser(b.store.db, { email: 'gone@example.org' });
        await subscribe(b.store.db, gone, { technologyId: b.tech.winsrv });
        for (const day of ['20', '21', '22']) {
          await b.publish(`Article of the ${day}th`, [b.tech.winsrv]);
          const r = await b.tick(`2026-10-${day}T08:00:00Z`);
          const failed = r.digests.find((d) => d.user === 'gone@example.org');
          assert.equal(failed?.status, 'failed');
          assert.match(failed!.error ?? '', /550/);
        }
        const user = await b.store.db
          .selectFrom('users')
          .select(['hard_bounces', 'suppressed_at'])
          .where('id', '=', gone)
          .executeTakeFirstOrThrow();
        assert.equal(user.hard_bounces, 3);
        assert.equal(user.suppressed_at, '2026-10-22T08:00:00.000Z');
        await b.publish('Article of the 23rd', [b.tech.winsrv]);
        const after = await b.tick('2026-10-23T08:00:00Z');
        assert.deepEqual(
          after.digests.map((d) => d.user),
          [ok],
          'no digest is composed for a suppressed address',
        );

        const cli = spawnSync(process.execPath, ['--import', 'tsx', 'src/main.ts', 'outbox', '--json'], {
          env: {
            ...process.env,
            KBWATCH_DATABASE_URL: b.store.url,
            KBWATCH_SECRET: 'x',
            KBWATCH_LOG_LEVEL: 'error',
          },
          encoding: 'utf8',
        });
        assert.equal(cli.status, 0, cli.stderr);
        const rows = JSON.parse(cli.stdout) as {
          user: string;
          status: string;
          lastError: string | null;
          attempts: number;
          sentAt: string | null;
          period: string;
        }[];
        const failed = rows.filter((r) => r.user === 'gone@example.org');
        assert.equal(failed.length, 3);
        assert.ok(
          failed.every((r) => r.status === 'failed' && /550/.test(r.lastError ?? '') && r.sentAt === null),
        );
        assert.equal(rows.filter((r) => r.user === ok && r.status === 'sent').length, 4);
      } finally {
        await b.close();
      }
    });
  });
}
