/** Reading API query parameters: each malformed value is a 400 naming the parameter and what it takes. */
import { badRequest } from '../errors.ts';

export type Params = Record<string, unknown>;

export function params(query: unknown): Params {
  return (query ?? {}) as Params;
}

/** A text parameter given at most once ('' when absent). */
export function textParam(qs: Params, name: string, maxLength = 1000): string {
  const v = qs[name];
  if (v === undefined) return '';
  if (typeof v !== 'string') throw badRequest(`api: ${name} must be given at most once`, `invalid_${name}`);
  if (v.length > maxLength)
    throw badRequest(
      `api: ${name} is too long (${v.length} characters, at most ${maxLength})`,
      `invalid_${name}`,
    );
  return v;
}

/** A whole number in [min, max], or the default when absent. */
export function intParam(qs: Params, name: string, min: number, max: number, fallback: number): number {
  const text = textParam(qs, name, 20);
  if (text === '') return fallback;
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < min || n > max)
    throw badRequest(
      `api: ${name} must be a whole number from ${min} to ${max}, got "${text}"`,
      `invalid_${name}`,
    );
  return n;
}

/** One of the allowed values, or the default when absent. */
export function enumParam<T extends string>(
  qs: Params,
  name: string,
  allowed: readonly T[],
  fallback: T | undefined,
): T | undefined {
  const text = textParam(qs, name, 100);
  if (text === '') return fallback;
  if (!(allowed as readonly string[]).includes(text))
    throw badRequest(`api: ${name} must be one of ${allowed.join(', ')}, got "${text}"`, `invalid_${name}`);
  return text as T;
}

/** A comma-separated list of allowed values ([] when absent). */
export function enumListParam<T extends string>(qs: Params, name: string, allowed: readonly T[]): T[] {
  const text = textParam(qs, name, 200);
  if (text === '') return [];
  const values = text.split(',').map((v) => v.trim());
  const wrong = values.filter((v) => !(allowed as readonly string[]).includes(v));
  if (wrong.length)
    throw badRequest(
      `api: ${name} takes a comma-separated list of ${allowed.join(', ')}; "${wrong.join(',')}" is not one of them`,
      `invalid_${name}`,
    );
  return [...new Set(values)] as T[];
}

const ISO_TIME = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/;

/** An ISO 8601 date (`2024-01-15`, midnight UTC) or date-time with zone, as an ISO UTC string. */
export function timeParam(qs: Params, name: string, required: boolean): string | undefined {
  const text = textParam(qs, name, 40);
  if (text === '') {
    if (required)
      throw badRequest(
        `api: ${name} is required: an ISO 8601 date or date-time such as 2024-01-15 or 2024-01-15T08:00:00Z`,
        `invalid_${name}`,
      );
    return undefined;
  }
  const t = ISO_TIME.test(text)
    ? new Date(text.length === 10 ? `${text}T00:00:00Z` : text)
    : new Date(Number.NaN);
  if (Number.isNaN(t.getTime()))
    throw badRequest(
      `api: ${name} must be an ISO 8601 date or date-time with a zone (2024-01-15 or 2024-01-15T08:00:00Z), got "${text}"`,
      `invalid_${name}`,
    );
  return t.toISOString();
}

/** A path parameter that must be a positive whole number (a KB number, an id). */
export function idParam(value: string, name: string): number {
  const m = /^\d{1,9}$/.exec(value);
  if (!m || Number(value) < 1)
    throw badRequest(`api: ${name} must be a positive whole number, got "${value}"`, `invalid_${name}`);
  return Number(value);
}
