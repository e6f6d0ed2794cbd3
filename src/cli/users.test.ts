/** `kbwatch user add|list|remove|admin` and `kbwatch subscribe`, run in-process and as a child process. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { DIALECTS, createStore, skipReason } from '../../test/stores.ts';
import type { Store } from '../store/db.ts';
import { runCli } from './index.ts';

/** Runs the CLI in this process with its own environment and its output captured. */
async function kbwatch(url: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(['node', 'kbwatch', ...args], {
    env: { KBWATCH_DATABASE_URL: url, KBWATCH_SECRET: 'cli-test-secret', KBWATCH_LOG_LEVEL: 'silent' },
    stdout: { write: (text: string) => out.push(text) },
    stderr: { write: (text: string) => err.push(text) },
  });
  return { code, out: out.join(''), err: err.join('') };
}

for (const dialect of DIALECTS) {
  describe(`cli: user and subscribe (${dialect})`, { skip: await skipReason(dialect) }, () => {
    let store: Store;
    before(async () => {
      store = await createStore(dialect);
      const tech = await store.db
        .insertInto('technologies')
        .values({ slug: 'exchange-online', name: 'Exchange Online', kind: 'product', article_count: 5 })
        .returning('id')
        .executeTakeFirstOrThrow();
      await store.db
        .insertInto('technology_aliases')
        .values([
          { alias: 'exchange online', technology_id: tech.id },
          { alias: 'exchange-online', technology_id: tech.id },
        ])
        .execute();
    });
    after(() => store?.close());

    it('adds users with their settings', async () => {
      const a = await kbwatch(
        store.url,
        'user',
        'add',
        'Admin@Example.com',
        '--password',
        'admin password',
        '--confirmed',
        '--admin',
        '--tz',
        'Europe/Berlin',
        '--hour',
        '6',
        '--weekly',
      );
      assert.equal(a.code, 0, a.err);
      assert.match(a.out, /added user admin@example\.com \(confirmed\) \(admin\)/);
      assert.equal((await kbwatch(store.url, 'user', 'add', 'plain@example.com')).code, 0);
      const dup = await kbwatch(store.url, 'user', 'add', 'admin@example.com');
      assert.equal(dup.code, 1);
      assert.match(dup.err, /already exists/);
      for (const args of [
        ['bad-address'],
        ['x@example.com', '--hour', '25'],
        ['x@example.com', '--tz', 'Mars/Base'],
        ['x@example.com', '--password', 'short'],
      ]) {
        const r = await kbwatch(store.url, 'user', 'add', ...args);
        assert.equal(r.code, 1, args.join(' '));
        assert.match(r.err, /^kbwatch: /);
      }
    });

    it('subscribes by technology name or slug and by query; refuses bad ones', async () => {
      const t = await kbwatch(store.url, 'subscribe', 'admin@example.com', '--tech', 'exchange online');
      assert.equal(t.code, 0, t.err);
      assert.match(t.out, /subscribed admin@example\.com to technology Exchange Online/);
      assert.match(
        (await kbwatch(store.url, 'subscribe', 'admin@example.com', '--tech', 'EXCHANGE-ONLINE')).out,
        /already subscribed/,
      );
      assert.equal(
        (
          await kbwatch(
            store.url,
            'subscribe',
            'admin@example.com',
            '--query',
            'title:mailbox "move request"',
          )
        ).code,
        0,
      );
      const checks: [string[], RegExp][] = [
        [['nobody@example.com', '--tech', 'exchange online'], /No user with the address nobody@example\.com/],
        [['admin@example.com', '--tech', 'Lotus Notes'], /no technology is called "Lotus Notes"/],
        [['admin@example.com', '--query', 'mailbox ('], /Invalid query: .* at position \d+/],
        [['admin@example.com'], /exactly one of --tech/],
        [['admin@example.com', '--tech', 'x', '--query', 'y'], /exactly one of --tech/],
      ];
      for (const [args, message] of checks) {
        const r = await kbwatch(store.url, 'subscribe', ...args);
        assert.equal(r.code, 1, args.join(' '));
        assert.match(r.err, message);
      }
    });

    it('lists users as JSON and as text', async () => {
      const r = await kbwatch(store.url, 'user', 'list', '--json');
      const users = JSON.parse(r.out);
      assert.deepEqual(
        users.map((u: any) => [
          u.email,
          u.confirmed,
          u.admin,
          u.timeZone,
          u.digestHour,
          u.cadence,
          u.subscriptions.length,
        ]),
        [
          ['admin@example.com', true, true, 'Europe/Berlin', 6, 'weekly', 2],
          ['plain@example.com', false, false, 'UTC', 7, 'daily', 0],
        ],
      );
      assert.deepEqual(
        users[0].subscriptions.map((s: any) => s.technology ?? s.query),
        ['exchange-online', 'title:mailbox "move request"'],
      );
      const text = await kbwatch(store.url, 'user', 'list');
      assert.match(
        text.out,
        /admin@example\.com\tconfirmed,admin\tweekly at 06:00 Europe\/Berlin\ttech:exchange-online/,
      );
    });

    it('removes a user with all their data', async () => {
      const r = await kbwatch(store.url, 'user', 'remove', 'admin@example.com');
      assert.equal(r.code, 0, r.err);
      assert.equal((await store.db.selectFrom('subscriptions').selectAll().execute()).length, 0);
      assert.deepEqual(
        JSON.parse((await kbwatch(store.url, 'user', 'list', '--json')).out).map((u: any) => u.email),
        ['plain@example.com'],
      );
      const again = await kbwatch(store.url, 'user', 'remove', 'admin@example.com');
      assert.equal(again.code, 1);
      assert.match(again.err, /No user with the address admin@example\.com/);
    });

    // One real process is enough to check the exit status; the in-process runs cover both stores.
    if (dialect === 'sqlite')
      it('exits with status 1 and a message as a real process', () => {
        const r = spawnSync(
          process.execPath,
          ['--import', 'tsx', 'src/main.ts', 'subscribe', 'nobody@example.com', '--tech', 'x'],
          {
            env: {
              ...process.env,
              KBWATCH_DATABASE_URL: store.url,
              KBWATCH_SECRET: 'cli-test-secret',
              KBWATCH_LOG_LEVEL: 'silent',
            },
            encoding: 'utf8',
          },
        );
        assert.equal(r.status, 1, r.stderr);
        assert.match(r.stderr, /kbwatch: No user with the address nobody@example\.com/);
      });
  });
}
