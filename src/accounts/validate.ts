/** Input rules for accounts: e-mail addresses, passwords and digest settings. */
import { invalid } from './errors.ts';

export const LIMITS = {
  emailMax: 254,
  emailLocalMax: 64,
  passwordMin: 8,
  passwordMax: 200,
  queryMax: 500,
  technologyMax: 200,
  timeZoneMax: 64,
  subscriptionsPerUser: 200,
} as const;

const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$/;

/**
 * Trims and lower-cases an address and checks its syntax (the dot-atom form of RFC 5322 with
 * a domain of at least two DNS labels). Throws an AccountError naming what is wrong.
 */
export function normalizeEmail(input: string): string {
  const email = input.trim().toLowerCase();
  if (email === '') throw invalid('email', 'E-mail address: please enter your e-mail address.');
  if (email.length > LIMITS.emailMax)
    throw invalid(
      'email',
      `E-mail address: must be at most ${LIMITS.emailMax} characters (this one has ${email.length}).`,
    );
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1)
    throw invalid('email', 'E-mail address: must look like name@example.com.');
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > LIMITS.emailLocalMax)
    throw invalid(
      'email',
      `E-mail address: the part before @ must be at most ${LIMITS.emailLocalMax} characters.`,
    );
  if (!LOCAL.test(local))
    throw invalid('email', 'E-mail address: the part before @ contains characters that are not allowed.');
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l)) || /^\d+$/.test(labels[labels.length - 1])) {
    throw invalid('email', 'E-mail address: the part after @ is not a valid domain name.');
  }
  return email;
}

export function validatePassword(password: string, field = 'password'): string {
  if (password.length < LIMITS.passwordMin)
    throw invalid(field, `Password: must be at least ${LIMITS.passwordMin} characters.`);
  if (password.length > LIMITS.passwordMax)
    throw invalid(field, `Password: must be at most ${LIMITS.passwordMax} characters.`);
  return password;
}

let zones: Map<string, string> | undefined;

/** IANA zone names the runtime lists, for forms. */
export function knownTimeZones(): string[] {
  return ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')];
}

/**
 * An IANA time zone name the runtime accepts. A listed name is returned in its listed spelling
 * (`europe/berlin` → `Europe/Berlin`); another accepted name (`Asia/Kathmandu`, which the
 * runtime lists under its older spelling) is kept as written.
 */
export function validateTimeZone(zone: string): string {
  const z = zone.trim();
  if (z === '' || z.length > LIMITS.timeZoneMax)
    throw invalid('timeZone', 'Time zone: please enter an IANA time zone such as Europe/Berlin.');
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: z });
  } catch {
    throw invalid(
      'timeZone',
      `Time zone: "${z}" is not a known IANA time zone (for example Europe/Berlin or America/New_York).`,
    );
  }
  zones ??= new Map(knownTimeZones().map((n) => [n.toLowerCase(), n]));
  return zones.get(z.toLowerCase()) ?? z;
}

export function validateHour(hour: string | number): number {
  const s = String(hour).trim();
  if (!/^\d{1,2}$/.test(s) || Number(s) > 23)
    throw invalid('digestHour', 'Digest hour: must be a whole hour from 0 to 23.');
  return Number(s);
}

export type Cadence = 'daily' | 'weekly';

export function validateCadence(value: string): Cadence {
  if (value === 'daily' || value === 'weekly') return value;
  throw invalid('cadence', 'Cadence: must be daily or weekly.');
}
