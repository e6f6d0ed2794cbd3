import assert from 'node:assert/strict';
import { test } from 'node:test';
import { backoffDelay } from './sender.ts';

test('backoff doubles per attempt, is capped, and jitters between half and all of it', () => {
  assert.equal(
    backoffDelay(1, 1000, 60_000, () => 1),
    1000,
  );
  assert.equal(
    backoffDelay(3, 1000, 60_000, () => 1),
    4000,
  );
  assert.equal(
    backoffDelay(3, 1000, 60_000, () => 0),
    2000,
  );
  assert.equal(
    backoffDelay(20, 1000, 60_000, () => 1),
    60_000,
  );
  for (let i = 0; i < 100; i++) {
    const d = backoffDelay(4, 1000, 60_000);
    assert.ok(d >= 4000 && d <= 8000, String(d));
  }
});
