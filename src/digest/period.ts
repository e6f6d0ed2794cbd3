/**
 * Digest periods and due times in a user's own time zone, with Intl only.
 *
 * A period is the user's local date (`2026-10-25`, daily) or ISO week (`2026-W43`, weekly). A
 * user is due once local time has reached their digest hour inside the current period (weekly:
 * on Monday at that hour or any later day of the week). Because the period is a local date, a
 * day of 23 or 25 hours (DST) still holds exactly one period, and an hour skipped by DST counts
 * as passed.
 */

export type Cadence = 'daily' | 'weekly';

export interface LocalTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  weekday: number;
}

export interface DigestSchedule {
  timeZone: string;
  digestHour: number;
  cadence: Cadence;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      hourCycle: 'h23',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Whether Intl knows the zone (`Europe/Berlin`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time at `at` in `timeZone`. Throws a RangeError naming an unknown zone. */
export function localTime(at: Date, timeZone: string): LocalTime {
  let f: Intl.DateTimeFormat;
  try {
    f = formatter(timeZone);
  } catch {
    throw new RangeError(`digest: unknown time zone "${timeZone}"`);
  }
  const parts: Record<string, number> = {};
  for (const p of f.formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const hour = parts.hour === 24 ? 0 : parts.hour;
  const weekday = ((new Date(Date.UTC(parts.year, parts.month - 1, parts.day)).getUTCDay() + 6) % 7) + 1;
  return { year: parts.year, month: parts.month, day: parts.day, hour, minute: parts.minute, weekday };
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** ISO-8601 week of a calendar date: `2026-W43` (the year is the week's Thursday's year). */
export function isoWeek(year: number, month: number, day: number): string {
  const date = Date.UTC(year, month - 1, day);
  const weekday = ((new Date(date).getUTCDay() + 6) % 7) + 1;
  const thursday = new Date(date + (4 - weekday) * 86_400_000);
  const weekYear = thursday.getUTCFullYear();
  const week = 1 + Math.floor((thursday.getTime() - Date.UTC(weekYear, 0, 1)) / (7 * 86_400_000));
  return `${weekYear}-W${pad(week)}`;
}

/** The period holding `at` for this schedule. */
export function periodOf(at: Date, timeZone: string, cadence: Cadence): string {
  const t = localTime(at, timeZone);
  return cadence === 'weekly' ? isoWeek(t.year, t.month, t.day) : `${t.year}-${pad(t.month)}-${pad(t.day)}`;
}

/** The current period and whether its digest time has been reached at `at`. */
export function dueState(at: Date, s: DigestSchedule): { period: string; due: boolean } {
  const t = localTime(at, s.timeZone);
  if (s.cadence === 'weekly') {
    const due = t.weekday > 1 || t.hour >= s.digestHour;
    return { period: isoWeek(t.year, t.month, t.day), due };
  }
  return { period: `${t.year}-${pad(t.month)}-${pad(t.day)}`, due: t.hour >= s.digestHour };
}

/**
 * Due state for many users at one instant: users sharing a zone, hour and cadence share one
 * answer, so a tick over 100,000 users formats a handful of dates, not 100,000.
 */
export function dueStates<T extends DigestSchedule>(
  at: Date,
  users: T[],
): Map<T, { period: string; due: boolean }> {
  const cache = new Map<string, { period: string; due: boolean }>();
  const out = new Map<T, { period: string; due: boolean }>();
  for (const u of users) {
    const key = `${u.timeZone}|${u.digestHour}|${u.cadence}`;
    let state = cache.get(key);
    if (!state) {
      try {
        state = dueState(at, u);
      } catch {
        // An unknown zone (edited by hand in the database) falls back to UTC rather than never sending.
        state = dueState(at, { ...u, timeZone: 'UTC' });
      }
      cache.set(key, state);
    }
    out.set(u, state);
  }
  return out;
}
