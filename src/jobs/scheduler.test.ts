/**
 * The schedule across processes: each cron tick runs once however many processes schedule it,
 * a tick missed while every process was down runs once at start-up, and stopping waits for
 * running jobs up to a deadline.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Cron } from 'croner';
import { testContext } from '../../test/context.ts';
import { createStore, DIALECTS, skipReason } from '../../test/stores.ts';
import { openStore } from '../store/db.ts';
import { claimTick } from '../store/job-ticks.ts';
import { previousRun, startScheduler, type Job } from './scheduler.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduler: the previous run of a pattern', () => {
  for (const pattern of ['*/5 * * * *', '0 3 * * *', '30 7 * * 1', '* * * * * *']) {
    it(pattern, () => {
      const now = new Date('2026-11-18T12:07:30.500Z');
      const prev = previousRun(pattern, now);
      assert.ok(prev && prev <= now, `${prev?.toISOString()} is not after now`);
      const next = new Cron(pattern, { paused: true }).nextRun(prev);
      assert.ok(next && next > now, 'no run between it and now');
    });
  }
});

for (const dialect of DIALECTS) {
  describe(`scheduler on ${dialect}`, { skip: await skipReason(dialect) }, () => {
    it('runs each tick once across two processes', async () => {
      const store = await createStore(dialect);
      const second = openStore(store.url); // another process's own connection
      const ticks: string[] = [];
      const job = (who: string): Job => ({
        name: 'every-second',
        schedule: '* * * * * *',
        run: async () => {
          ticks.push(`${who}@${Math.floor(Date.now() / 1000)}`);
          await sleep(50);
        },
      });
      const a = startScheduler(testContext(store), [job('a')]);
      const b = startScheduler(testContext(second), [job('b')]);
      try {
        await sleep(3_300);
      } finally {
        await Promise.all([a.stop(2_000), b.stop(2_000)]);
        const rows = await store.db.selectFrom('job_ticks').selectAll().execute();
        await second.close();
        await store.close();
        const seconds = ticks.map((t) => t.split('@')[1]);
        assert.ok(ticks.length >= 2, `ran ${ticks.length} times`);
        assert.equal(new Set(seconds).size, seconds.length, `a tick ran twice: ${ticks.join(', ')}`);
        assert.equal(rows.length, ticks.length, 'one claimed row per run');
      }
    });

    it('runs a tick missed while every process was down once at start-up', async () => {
      const store = await createStore(dialect);
      try {
        let runs = 0;
        const nightly: Job = { name: 'nightly', schedule: '0 3 * * *', run: async () => void runs++ };
        const fresh = startScheduler(testContext(store), [nightly]);
        await fresh.catchUp();
        await sleep(100);
        assert.equal(runs, 0, 'a job never run before has nothing to catch up');
        await fresh.stop();
        const due = previousRun('0 3 * * *', new Date())!;
        const before = new Date(due.getTime() - 3 * 86_400_000).toISOString();
        await claimTick(store.db, 'nightly', before, 'a process long gone', before);
        const one = startScheduler(testContext(store), [nightly]);
        const two = startScheduler(testContext(store), [nightly]);
        await Promise.all([one.catchUp(), two.catchUp()]);
        await sleep(200);
        assert.equal(runs, 1, 'two processes starting together run the missed tick once');
        const ticks = await store.db.selectFrom('job_ticks').select('tick').orderBy('tick').execute();
        assert.deepEqual(
          ticks.map((t) => t.tick),
          [before, due.toISOString()],
        );
        await Promise.all([one.stop(), two.stop()]);
      } finally {
        await store.close();
      }
    });

    it('stops: running jobs are told, waited for up to the deadline, and named when late', async () => {
      const store = await createStore(dialect);
      try {
        let sawStop = false;
        const polite: Job = {
          name: 'polite',
          schedule: '0 0 1 1 *',
          run: async (_ctx, signal) => {
            while (!signal.aborted) await sleep(20);
            sawStop = true;
            await sleep(100); // the step at hand
          },
        };
        const s = startScheduler(testContext(store), [polite]);
        const run = s.trigger('polite');
        await sleep(50);
        assert.deepEqual(await s.stop(2_000), []);
        await run;
        assert.equal(sawStop, true);

        const stubborn: Job = {
          name: 'stubborn',
          schedule: '0 0 1 1 *',
          run: async () => {
            await sleep(1_500);
          },
        };
        const t = startScheduler(testContext(store), [stubborn]);
        void t.trigger('stubborn');
        const started = Date.now();
        assert.deepEqual(await t.stop(200), ['stubborn']);
        assert.ok(Date.now() - started < 1_000, 'the deadline is kept');
        await sleep(1_400);
      } finally {
        await store.close();
      }
    });

    it('stops: a tick claimed as the process stops never starts its job, and is left to the next process', async () => {
      const store = await createStore(dialect);
      try {
        let stopped = false;
        const late: string[] = [];
        const nightly: Job = {
          name: 'nightly',
          schedule: '0 3 * * *',
          run: async () => void (stopped && late.push('nightly')),
        };
        const due = previousRun('0 3 * * *', new Date())!;
        const before = new Date(due.getTime() - 86_400_000).toISOString();
        await claimTick(store.db, 'nightly', before, 'a process long gone', before);
        const s = startScheduler(testContext(store), [nightly]);
        try {
          await s.catchUp(); // the missed tick is being claimed
        } finally {
          assert.deepEqual(await s.stop(2_000), []);
          stopped = true;
        }
        await sleep(300);
        assert.deepEqual(late, [], 'no job starts once stop() has returned');
        const ticks = await store.db.selectFrom('job_ticks').select('tick').execute();
        assert.deepEqual(
          ticks.map((t) => t.tick),
          [before],
          'the tick is not taken from the next process',
        );
      } finally {
        await store.close();
      }
    });

    it('stops: a tick whose run the stop cut short is given back, and the next process catches it up', async () => {
      const store = await createStore(dialect);
      try {
        const runs: string[] = [];
        const job = (who: string): Job => ({
          name: 'nightly',
          schedule: '0 3 * * *',
          run: async (_ctx, signal) => {
            runs.push(who);
            while (!signal.aborted) await sleep(20);
            return 'unfinished';
          },
        });
        const due = previousRun('0 3 * * *', new Date())!;
        const before = new Date(due.getTime() - 86_400_000).toISOString();
        await claimTick(store.db, 'nightly', before, 'a process long gone', before);
        const first = startScheduler(testContext(store), [job('first')]);
        try {
          await first.catchUp();
          await sleep(200);
        } finally {
          assert.deepEqual(await first.stop(2_000), []);
        }
        assert.deepEqual(runs, ['first']);
        const next = startScheduler(testContext(store), [job('next')]);
        try {
          await next.catchUp();
          await sleep(200);
        } finally {
          assert.deepEqual(await next.stop(2_000), []);
        }
        assert.deepEqual(runs, ['first', 'next'], 'the next process runs the night again');
      } finally {
        await store.close();
      }
    });
  });
}
