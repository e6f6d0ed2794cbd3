/**
 * What the API's schemas cannot say on their own: an ISO time normalized to UTC, and a
 * comma-separated list of kinds (route-schemas.ts checks their shape first).
 */
import { badRequest } from '../errors.ts';

/** `2024-01-15`, or a date-time with a zone such as `2024-01-15T08:00:00Z`. */
export const ISO_TIME =
  '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:?\\d{2}))?$';

/** An ISO 8601 date (midnight UTC) or date-time with zone, as an ISO UTC string; 400 if no such time. */
export function utcTime(text: string, name: string): string {
  const t = new Date(text.length === 10 ? `${text}T00:00:00Z` : text);
  if (Number.isNaN(t.getTime()))
    throw badRequest(
      `api: ${name} must be an ISO 8601 date or date-time with a zone (2024-01-15 or 2024-01-15T08:00:00Z), got "${text}"`,
      `invalid_${name}`,
    );
  return t.toISOString();
}

/** A pattern for a comma-separated list of the given words (spaces around them allowed). */
export function listPattern(words: readonly string[]): string {
  const word = `\\s*(?:${words.join('|')})\\s*`;
  return `^${word}(?:,${word})*$`;
}

/** The words of a comma-separated list, each once ([] when absent). */
export function kindList<T extends string>(text: string | undefined): T[] {
  return text ? ([...new Set(text.split(',').map((v) => v.trim()))] as T[]) : [];
}
