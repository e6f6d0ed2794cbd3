/** YAML front matter of Markdown files: `---` lines around a YAML block at the very top. */
import { parse } from 'yaml';

const FRONT_MATTER = /^---[ \t]*\n(?:([\s\S]*?)\n)?---[ \t]*(?:\n|$)/;

/** The YAML text (null when there is no front matter) and the body after it. Expects `\n` line ends. */
export function splitFrontMatter(text: string): { yaml: string | null; body: string } {
  const m = FRONT_MATTER.exec(text);
  if (!m) return { yaml: null, body: text };
  return { yaml: m[1] ?? '', body: text.slice(m[0].length) };
}

/** Parses front matter YAML into a plain object; throws with the YAML error's first line. */
export function parseFrontMatter(yaml: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parse(yaml, { prettyErrors: false, uniqueKeys: false, logLevel: 'error' });
  } catch (e) {
    throw new Error(`broken YAML front matter: ${firstLine(e)}`);
  }
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw new Error('broken YAML front matter: not a mapping of fields');
  return value as Record<string, unknown>;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
