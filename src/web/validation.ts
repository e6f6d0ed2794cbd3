/**
 * A request its route's schema refused, as a 400 that names the parameter and says what it
 * takes: `api: limit must be a whole number from 1 to 100, got "0"`. The schema pieces carry
 * the words (`description` for parameters, `title` for form fields; see schemas.ts). Form
 * values are never repeated back: they may be passwords.
 */
import type { FastifyError, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { badRequest, type HttpError } from './errors.ts';
import type { JsonSchema } from './schemas.ts';

type Part = 'params' | 'querystring' | 'body' | 'headers';

const NOT_A_FORM = 'Expected a form (application/x-www-form-urlencoded); nothing was changed.';

/** What messages of a part of the site start with, as its handlers write them. */
function prefixOf(req: FastifyRequest): string {
  const area = /^\/([a-z]+)/.exec(req.routeOptions.url ?? req.url)?.[1];
  if (area === 'api' || area === 'feeds' || area === 'admin') return `${area}: `;
  return area === 'widget' || area === 'webmasters' ? 'widget: ' : '';
}

function propertySchema(req: FastifyRequest, part: Part, name: string): JsonSchema {
  const schema = req.routeOptions.schema as Record<string, JsonSchema | undefined> | undefined;
  const props = schema?.[part]?.properties as Record<string, JsonSchema> | undefined;
  return props?.[name] ?? {};
}

function valueOf(req: FastifyRequest, part: Part, name: string): unknown {
  const values = part === 'querystring' ? req.query : part === 'body' ? req.body : req.params;
  return values && typeof values === 'object' ? (values as Record<string, unknown>)[name] : undefined;
}

function clip(value: unknown): string {
  const text = String(value);
  return text.length > 100 ? `${text.slice(0, 100)}…` : text;
}

function fieldMessage(e: FastifySchemaValidationError, schema: JsonSchema, name: string, value: unknown) {
  const label = typeof schema.title === 'string' ? schema.title : name;
  if (e.keyword === 'required') return `${label}: required; nothing was changed.`;
  if (Array.isArray(value)) return `${label}: expected a single text value; nothing was changed.`;
  if (e.keyword === 'maxLength')
    return `${label}: too long (${String(value).length} characters, at most ${String(schema.maxLength)}); nothing was changed.`;
  return `${label}: must be ${String(schema.description ?? e.message)}; nothing was changed.`;
}

function parameterMessage(e: FastifySchemaValidationError, schema: JsonSchema, name: string, value: unknown) {
  const what = String(schema.description ?? e.message);
  if (e.keyword === 'required') return `${name} is required: ${what}`;
  if (Array.isArray(value)) return `${name} must be given at most once`;
  if (e.keyword === 'maxLength')
    return `${name} is too long (${String(value).length} characters, at most ${String(schema.maxLength)})`;
  return `${name} must be ${what}, got "${clip(value)}"`;
}

/** The 400 for a request that fails its route's schema. */
export function validationError(req: FastifyRequest, err: FastifyError): HttpError {
  const part = (err.validationContext ?? 'querystring') as Part;
  const e = err.validation?.[0];
  const name = e
    ? e.keyword === 'required'
      ? String((e.params as { missingProperty?: string }).missingProperty ?? '')
      : (e.instancePath.split('/')[1] ?? '')
    : '';
  if (!e || !name) return part === 'body' ? badRequest(NOT_A_FORM) : badRequest(prefixOf(req) + err.message);
  const schema = propertySchema(req, part, name);
  const value = valueOf(req, part, name);
  if (part === 'body') return badRequest(fieldMessage(e, schema, name, value), `invalid_${name}`);
  return badRequest(prefixOf(req) + parameterMessage(e, schema, name, value), `invalid_${name}`);
}
