/**
 * A small validator for the JSON Schema subset OpenAPI 3.0 documents use here: type,
 * properties, required, additionalProperties: false, items, enum, nullable and local $ref.
 * Returns every problem found, each with the JSON path of the value.
 */
type Schema = Record<string, unknown>;

export function resolveRef(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`json-schema: only local $ref are supported, got ${ref}`);
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) {
    node = (node as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
    if (node === undefined) throw new Error(`json-schema: ${ref} does not resolve`);
  }
  return node as Schema;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

const KNOWN = new Set([
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'nullable',
  '$ref',
  'description',
  'default',
  'minimum',
  'maximum',
]);

export function validate(
  root: Schema,
  schema: Schema,
  value: unknown,
  path = '$',
  problems: string[] = [],
): string[] {
  if (typeof schema.$ref === 'string')
    return validate(root, resolveRef(root, schema.$ref), value, path, problems);
  for (const key of Object.keys(schema))
    if (!KNOWN.has(key))
      problems.push(`${path}: schema uses "${key}", which this validator does not support`);
  if (value === null) {
    if (schema.nullable !== true) problems.push(`${path}: null, but the schema is not nullable`);
    return problems;
  }
  const actual = typeOf(value);
  const expected = schema.type as string | undefined;
  if (expected && !(actual === expected || (expected === 'number' && actual === 'integer'))) {
    problems.push(`${path}: expected ${expected}, got ${actual} (${JSON.stringify(value)?.slice(0, 80)})`);
    return problems;
  }
  if (Array.isArray(schema.enum) && !schema.enum.includes(value))
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (actual === 'array' && schema.items)
    (value as unknown[]).forEach((v, i) =>
      validate(root, schema.items as Schema, v, `${path}[${i}]`, problems),
    );
  if (actual === 'object') {
    const obj = value as Record<string, unknown>;
    const props = (schema.properties ?? {}) as Record<string, Schema>;
    for (const name of (schema.required ?? []) as string[])
      if (!(name in obj)) problems.push(`${path}: required property "${name}" is missing`);
    for (const [name, v] of Object.entries(obj)) {
      if (props[name]) validate(root, props[name], v, `${path}.${name}`, problems);
      else if (schema.additionalProperties === false)
        problems.push(`${path}: property "${name}" is not in the schema`);
    }
  }
  return problems;
}
