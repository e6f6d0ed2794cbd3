/**
 * The listening socket (KB 307175): exclusive bind, a clear EADDRINUSE message and exit status 1
 * for a second instance, immediate rebind after a stop, SIGTERM drains and exits.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runKbwatch, startKbwatch, waitFor } from './process.ts';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

test(
  'one instance per port, clear error for the second, rebind at once, SIGTERM drains',
  { timeout: 120_000 },
  async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kbwatch-listen-'));
    const port = await freePort();
    const env = {
      KBWATCH_DATA_DIR: dataDir,
      KBWATCH_SOURCES: 'none',
      KBWATCH_SCAN_ON_START: 'false',
      KBWATCH_PORT: String(port),
    };
    const first = startKbwatch(['serve'], env);
    try {
      await waitFor(() => first.output().stdout.includes('listening'), 60_000, 'first instance to listen');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      assert.equal(health.status, 200);

      const second = await runKbwatch(['serve'], env, 60_000);
      assert.equal(second.code, 1);
      assert.match(second.stderr, new RegExp(`port ${port}.*EADDRINUSE`));
      assert.equal(
        (await fetch(`http://127.0.0.1:${port}/healthz`)).status,
        200,
        'the first instance still serves',
      );

      // A request in flight when SIGTERM arrives still gets its answer.
      const inFlight = fetch(`http://127.0.0.1:${port}/api/v1/search?q=winsock`);
      await new Promise((r) => setTimeout(r, 5));
      first.kill('SIGTERM');
      const answered = await inFlight;
      assert.ok(answered.status < 500, `in-flight request answered (${answered.status})`);
      const exit = await new Promise<number | null>((resolve) => first.on('exit', (code) => resolve(code)));
      assert.equal(exit, 0);

      const third = startKbwatch(['serve'], env);
      try {
        await waitFor(
          () => third.output().stdout.includes('listening') || third.exitCode !== null,
          60_000,
          'restart to listen',
        );
        assert.match(third.output().stdout, /listening/, `restart binds at once: ${third.output().stderr}`);
      } finally {
        third.kill('SIGTERM');
      }
    } finally {
      if (first.exitCode === null) first.kill('SIGKILL');
    }
  },
);
