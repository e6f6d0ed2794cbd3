import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dueState, dueStates, isValidTimeZone, isoWeek, localTime, periodOf } from './period.ts';

test('local time in zones with odd offsets and no DST', () => {
  const at = new Date('2026-10-25T00:30:00Z');
  assert.deepEqual(localTime(at, 'Asia/Kathmandu'), {
    year: 2026,
    month: 10,
    day: 25,
    hour: 6,
    minute: 15,
    weekday: 7,
  });
  assert.deepEqual(localTime(at, 'Pacific/Honolulu'), {
    year: 2026,
    month: 10,
    day: 24,
    hour: 14,
    minute: 30,
    weekday: 6,
  });
  assert.equal(localTime(new Date('2026-01-01T00:00:00Z'), 'UTC').hour, 0);
});

test('Berlin on 2026-10-25: 02:00–02:59 happens twice, still one period', () => {
  // 00:30Z = 02:30 CEST (before the change), 01:30Z = 02:30 CET (after it).
  const before = new Date('2026-10-25T00:30:00Z');
  const after = new Date('2026-10-25T01:30:00Z');
  assert.equal(localTime(before, 'Europe/Berlin').hour, 2);
  assert.equal(localTime(after, 'Europe/Berlin').hour, 2);
  assert.equal(periodOf(before, 'Europe/Berlin', 'daily'), '2026-10-25');
  assert.equal(periodOf(after, 'Europe/Berlin', 'daily'), '2026-10-25');
  const s = { timeZone: 'Europe/Berlin', digestHour: 7, cadence: 'daily' as const };
  // 07:00 local is 05:00Z before the change (Oct 24) and 06:00Z after it (Oct 25).
  assert.equal(dueState(new Date('2026-10-24T04:59:00Z'), s).due, false);
  assert.equal(dueState(new Date('2026-10-24T05:00:00Z'), s).due, true);
  assert.equal(dueState(new Date('2026-10-25T05:59:00Z'), s).due, false);
  assert.equal(dueState(new Date('2026-10-25T06:00:00Z'), s).due, true);
});

test('an hour skipped by DST counts as passed', () => {
  // Berlin 2026-03-29: 02:00 → 03:00. A 02:00 digest is due from 03:00 local (01:00Z).
  const s = { timeZone: 'Europe/Berlin', digestHour: 2, cadence: 'daily' as const };
  assert.equal(dueState(new Date('2026-03-29T00:59:00Z'), s).due, false);
  assert.deepEqual(dueState(new Date('2026-03-29T01:00:00Z'), s), { period: '2026-03-29', due: true });
});

test('ISO weeks at year boundaries', () => {
  assert.equal(isoWeek(2026, 10, 25), '2026-W43');
  assert.equal(isoWeek(2026, 10, 26), '2026-W44');
  assert.equal(isoWeek(2021, 1, 3), '2020-W53');
  assert.equal(isoWeek(2024, 12, 30), '2025-W01');
  assert.equal(isoWeek(2022, 12, 30), '2022-W52');
});

test('weekly digests are due from Monday at the digest hour', () => {
  const s = { timeZone: 'UTC', digestHour: 7, cadence: 'weekly' as const };
  assert.deepEqual(dueState(new Date('2026-10-26T06:59:00Z'), s), { period: '2026-W44', due: false });
  assert.deepEqual(dueState(new Date('2026-10-26T07:00:00Z'), s), { period: '2026-W44', due: true });
  assert.deepEqual(dueState(new Date('2026-10-28T01:00:00Z'), s), { period: '2026-W44', due: true });
  assert.deepEqual(dueState(new Date('2026-11-01T23:59:00Z'), s), { period: '2026-W44', due: true });
});

test('unknown zones are refused by localTime and fall back to UTC in dueStates', () => {
  assert.equal(isValidTimeZone('Mars/Olympus'), false);
  assert.equal(isValidTimeZone('Asia/Kathmandu'), true);
  assert.throws(() => localTime(new Date(), 'Mars/Olympus'), /unknown time zone "Mars\/Olympus"/);
  const u = { timeZone: 'Mars/Olympus', digestHour: 7, cadence: 'daily' as const };
  assert.deepEqual(dueStates(new Date('2026-10-25T08:00:00Z'), [u]).get(u), {
    period: '2026-10-25',
    due: true,
  });
});
