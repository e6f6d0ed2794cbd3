import assert from 'node:assert/strict';
import { test } from 'node:test';
import { readToken, signToken, TokenError } from './tokens.ts';

const SECRET = 'test-secret';

test('tokens round-trip and reveal nothing', () => {
  const t = signToken(SECRET, { purpose: 'mute', userId: 4242, subscriptionId: 17 });
  assert.match(t, /^[A-Za-z0-9_-]{40,60}$/);
  assert.deepEqual(readToken(SECRET, t, 'mute'), { purpose: 'mute', userId: 4242, subscriptionId: 17 });
  const bytes = Buffer.from(t, 'base64url');
  assert.equal(bytes.includes(Buffer.from([0, 0, 0x10, 0x92])), false, 'the user id is not in clear');
  assert.notEqual(
    signToken(SECRET, { purpose: 'mute', userId: 4242, subscriptionId: 17 }),
    t,
    'a fresh IV each time',
  );
  assert.deepEqual(
    readToken(SECRET, signToken(SECRET, { purpose: 'unsubscribe', userId: 1, subscriptionId: null })),
    { purpose: 'unsubscribe', userId: 1, subscriptionId: null },
  );
});

test('forged, altered, truncated and foreign tokens are refused', () => {
  const t = signToken(SECRET, { purpose: 'unsubscribe', userId: 9, subscriptionId: null });
  const flipped = Buffer.from(t, 'base64url');
  flipped[14] ^= 1;
  for (const bad of [
    flipped.toString('base64url'),
    t.slice(0, -2),
    '',
    'not a token!',
    'A'.repeat(300),
    signToken('other secret', { purpose: 'unsubscribe', userId: 9, subscriptionId: null }),
  ]) {
    assert.throws(() => readToken(SECRET, bad), TokenError, bad);
  }
  assert.throws(() => readToken(SECRET, t, 'mute'), /another action \(unsubscribe\)/);
});
