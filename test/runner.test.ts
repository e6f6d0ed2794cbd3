/**
 * The test runner itself: a failing suite or hook fails the run, skips are named with their
 * reasons, and the last line is `N passed, N failed`.
 */
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

function runFixture(name: string) {
  // Run as a fresh top-level runner, not as a child reporting to the run this test is part of.
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', 'scripts/run-tests.ts', `test/fixtures/runner/${name}.ts`],
    { encoding: 'utf8', timeout: 60_000, env },
  );
  const lines = r.stdout.trim().split('\n');
  return { status: r.status, out: r.stdout, last: lines[lines.length - 1] };
}

describe('the test runner', () => {
  it('fails the run when a describe body throws', () => {
    const r = runFixture('throws-in-describe');
    assert.equal(r.status, 1);
    assert.match(r.last, /^\d+ passed, [1-9]\d* failed$/);
    assert.match(r.out, /suite "a suite whose body throws"/);
  });

  it('fails the run when an after hook throws, though every test passed', () => {
    const r = runFixture('throws-in-after');
    assert.equal(r.status, 1);
    assert.equal(r.last, '1 passed, 1 failed');
    assert.match(r.out, /suite "a suite whose after hook throws".*hook/);
  });

  it('passes with skips, naming each skipped test and suite with its reason', () => {
    const r = runFixture('skips-and-passes');
    assert.equal(r.status, 0);
    assert.equal(r.last, '1 passed, 0 failed');
    assert.match(r.out, /test "is skipped".*: needs something missing here/);
    assert.match(r.out, /suite "a skipped suite".*: the whole suite is off/);
  });
});
