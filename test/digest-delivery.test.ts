/**
 * Delivery against a misbehaving SMTP server, on both databases: temporary failures and dropped
 * connections are retried until every digest arrives exactly once; permanent rejections fail
 * visibly; three hard bounces suppress the address. A server that stalls past the senders' lease
 * gets no duplicate (the claims are renewed while the sends run); a server that takes a message
 * and drops the connection before its reply gets a copy, counted on the digest as an unknown
 * outcome and carrying the same Message-ID.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { createMailer } from '../src/deliver/mailer.ts';
import { deliverQueued } from '../src/deliver/sender.ts';
import { runDigestTick } from '../src/jobs/digest.ts';
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

/**
 * A sending process of its own (its own SMTP pool): delivery runs one after another, as a
 * worker's ticks would, until nothing is left to send. At `deadlineMs` it stops as a process
 * does on SIGTERM (a sender whose claims lapse could otherwise trade rows with the other forever).
 */
async function sendingProcess(b: DigestBench, leaseMs: number, deadlineMs: number): Promise<number> {
  const mailer = createMailer(b.ctx.config);
  const signal = AbortSignal.timeout(deadlineMs);
  let sent = 0;
  try {
    while ((await unsent(b)) > 0 && !signal.aborted) {
      sent += (await deliverQueued(b.ctx, { mailer, leaseMs, concurrency: 4, backoffMs: 5, signal })).sent;
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await mailer.close();
  }
  return sent;
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

    it('a server stalling past the lease: two senders, no duplicate (claims are renewed)', async () => {
      const LEASE_MS = 800;
      const b = await digestBench(dialect, { delayMs: 2_000 });
      try {
        const emails = await usersFollowing(b, 16, 'stalled');
        await b.publish('Kerberos errors after the update', [b.tech.winsrv]);
        const at = new Date('2026-10-20T08:00:00Z');
        await runDigestTick({ ...b.ctx, now: () => at }, { at, composeOnly: true });
        assert.equal(await unsent(b), 16);
        const started = Date.now();
        const sentBy = await Promise.all([
          sendingProcess(b, LEASE_MS, 20_000),
          sendingProcess(b, LEASE_MS, 20_000),
        ]);
        const counts = b.sink.countByRecipient();
        const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
        console.log(
          `lease expiry (${dialect}): lease ${LEASE_MS} ms, server delay 2000 ms, 16 digests sent by two senders (${sentBy.join(' + ')}) in ${Date.now() - started} ms, ${duplicates} duplicate(s)`,
        );
        for (const email of emails)
          assert.equal(counts.get(email), 1, `${email} received ${counts.get(email) ?? 0} messages`);
        assert.ok(
          sentBy.every((n) => n > 0),
          'both senders sent',
        );
        assert.equal(sentBy[0] + sentBy[1], 16, 'each digest sent by one sender, once');
        const rows = await listOutbox(b.store.db);
        assert.ok(rows.every((r) => r.status === 'sent' && r.attempts === 1));
      } finally {
        await b.close();
      }
    });

    it('the ambiguous send: every copy is an attempt counted as unknown, with the same Message-ID', async () => {
      const b = await digestBench(dialect, {
        acceptThenDropRate: 0.2,
        seed: dialect === 'sqlite' ? 21 : 22,
      });
      try {
        const emails = await usersFollowing(b, 60, 'unsure');
        await b.publish('Kerberos errors after the update', [b.tech.winsrv]);
        let rounds = 0;
        do {
          await b.tick('2026-10-20T08:00:00Z', { maxAttempts: 20, concurrency: 4 });
          await new Promise((r) => setTimeout(r, 60));
        } while ((await unsent(b)) > 0 && ++rounds < 100);
        const rows = await listOutbox(b.store.db);
        assert.equal(rows.length, 60);
        assert.ok(
          rows.every((r) => r.status === 'sent'),
          'every digest sent',
        );
        const counts = b.sink.countByRecipient();
        const duplicates = [...counts.values()].reduce((n, c) => n + c - 1, 0);
        const ambiguous = rows.reduce((n, r) => n + r.ambiguous, 0);
        console.log(
          `ambiguous sends (${dialect}): ${b.sink.stats.acceptedThenDropped} messages taken then dropped, ${ambiguous} attempts counted as unknown, ${duplicates} duplicate(s) for 60 digests`,
        );
        for (const email of emails) assert.ok((counts.get(email) ?? 0) >= 1, `${email} received nothing`);
        assert.ok(ambiguous > 0, 'some sends were ambiguous');
        assert.ok(duplicates <= ambiguous, `${duplicates} duplicates, ${ambiguous} ambiguous attempts`);
        // Each copy is one ambiguous attempt: the server took it, the reply was lost, it was retried.
        for (const r of rows)
          assert.equal(counts.get(r.user), 1 + r.ambiguous, `${r.user}: ${r.ambiguous} unknown outcome(s)`);
        assert.equal(ambiguous, b.sink.stats.acceptedThenDropped);
        for (const [email, n] of counts) {
          if (n === 1) continue;
          const ids = new Set((await b.sink.to(email)).map((m) => m.messageId));
          assert.equal(ids.size, 1, `${email}: its ${n} copies carry one Message-ID`);
        }
      } finally {
        await b.close();
      }
    });
  });
}
