/**
 * Pieces of the JSON schemas routes declare for their path parameters, query strings and form
 * bodies (route-schemas.ts puts them together, one per route). Fastify checks them before any
 * handler runs. Query values arrive as text and are converted to numbers where the schema
 * says so; an empty query value counts as absent (see server.ts). Every piece carries the
 * words a 400 uses: `description` says what a parameter takes, `title` names a form field.
 */

export type JsonSchema = Record<string, unknown>;

export interface RouteSchema {
  params?: JsonSchema;
  querystring?: JsonSchema;
  body?: JsonSchema;
}

/** The largest id any table hands out (a 32-bit integer column). */
export const INT32_MAX = 2 ** 31 - 1;

/** A positive 32-bit whole number: the id of a revision, a feedback item, a source, a user… */
export function id(what = 'a positive whole number'): JsonSchema {
  return { type: 'integer', minimum: 1, maximum: INT32_MAX, description: what };
}

export function int(min: number, max: number): JsonSchema {
  return { type: 'integer', minimum: min, maximum: max, description: `a whole number from ${min} to ${max}` };
}

/** Text given at most once, of at most `maxLength` characters when set. */
export function text(maxLength?: number, description = 'text'): JsonSchema {
  return { type: 'string', ...(maxLength ? { maxLength } : {}), description };
}

/** One of a few words. */
export function choice(values: readonly string[]): JsonSchema {
  const words = values.length === 2 ? `${values[0]} or ${values[1]}` : `one of ${values.join(', ')}`;
  return { type: 'string', enum: [...values], description: words };
}

/** Text matching a pattern, with the words for what it looks like. */
export function matching(pattern: string, description: string, maxLength = 200): JsonSchema {
  return { type: 'string', pattern, maxLength, description };
}

/** Named parameters; others are allowed and left as they are. */
export function object(properties: Record<string, JsonSchema>, required: string[] = []): JsonSchema {
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: true };
}

/** No field of any form is longer than this; the commands check their own, tighter limits. */
export const FIELD_MAX = 2000;

/** A form body (urlencoded, parsed to an object of strings): each field by its label. */
export function form(labels: Record<string, string>, overrides: Record<string, JsonSchema> = {}): JsonSchema {
  const fields = Object.fromEntries(
    Object.entries(labels).map(([name, title]) => [
      name,
      { type: 'string', maxLength: FIELD_MAX, title, description: 'text' },
    ]),
  );
  return object({ _csrf: { type: 'string', title: 'Security token' }, ...fields, ...overrides });
}
