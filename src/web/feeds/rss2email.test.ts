/**
 * A real feed reader reads a kbwatch feed: Debian's rss2email (`r2e`) with its own config and
 * data files in a temporary directory, fetching without sending mail.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { skipReason } from '../../../test/stores.ts';
import { startTestServer, type TestServer } from '../../../test/web-server.ts';
import { seedKb, type SeededKb } from '../../../test/web-fixtures.ts';

const run = promisify(execFile);

async function r2eMissing(): Promise<string | false> {
  try {
    await run('r2e', ['--version']);
    return false;
  } catch {
    if (process.env.CI === 'true')
      throw new Error('rss2email (r2e) is not installed and CI=true: apt-get install rss2email');
    return 'rss2email (r2e) is not installed: apt-get install rss2email';
  }
}

describe(
  'web: rss2email reads a kbwatch feed',
  { skip: (await r2eMissing()) || (await skipReason('sqlite')) },
  () => {
    let s: TestServer;
    let kb: SeededKb;
    let home: string;
    before(async () => {
      s = await startTestServer('sqlite');
      kb = await seedKb(s.ctx.store.db);
      home = mkdtempSync(join(tmpdir(), 'kbwatch-r2e-'));
    });
    after(async () => {
      await s?.close();
      if (home) rmSync(home, { recursive: true, force: true });
    });

    it('fetches the technology feed and records every entry', async () => {
      const env = {
        ...process.env,
        HOME: home,
        XDG_CONFIG_HOME: join(home, 'config'),
        XDG_DATA_HOME: join(home, 'data'),
      };
      const r2e = (...args: string[]) => run('r2e', args, { env, timeout: 60_000 });
      await r2e('new', 'reader@example.org');
      await r2e('add', 'winsock', `${s.url}/feeds/tech/windows-server-2019.atom`);
      const { stderr } = await r2e('-VV', 'run', '--no-send');
      assert.doesNotMatch(stderr, /error|exception|bozo/i, stderr);
      const data = JSON.parse(readFileSync(join(home, 'data', 'rss2email.json'), 'utf8')) as {
        feeds: { name: string; seen: Record<string, unknown>; etag?: string | null }[];
      };
      const feed = data.feeds.find((f) => f.name === 'winsock');
      assert.ok(feed, 'the feed is in the rss2email database');
      const seen = Object.keys(feed.seen);
      for (const id of [kb.changes.winsockUpdated, kb.changes.serverNew, kb.changes.winsockNew]) {
        assert.ok(
          seen.includes(`tag:kbwatch.test,2024:change/${id}`),
          `entry for change ${id} processed; seen: ${seen.join(', ')}`,
        );
      }
      assert.equal(seen.length, 3);
      const served = (await fetch(`${s.url}/feeds/tech/windows-server-2019.atom`)).headers.get('etag');
      assert.equal(feed.etag, served, 'rss2email keeps the ETag for its next conditional GET');
      const again = await r2e('-VV', 'run', '--no-send');
      assert.doesNotMatch(again.stderr, /error|exception/i, again.stderr);
    });
  },
);
