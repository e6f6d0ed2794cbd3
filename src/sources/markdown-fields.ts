/**
 * Field extraction for MicrosoftDocs Markdown articles: KB number, products, areas, keywords
 * and review date, from the body's metadata lines and the front matter.
 */

/** `_Original KB number:_ &nbsp; 263936` (also `2674416, 2674417`: the first counts). */
const KB_LINE = /Original KB numbers?[_*]*:?[_*]*:?[ \t]*(?:&nbsp;|[ \t\u00a0])*(\d{3,9})/i;

/** `_Applies to:_ &nbsp; A, B` and `_Original product version:_ &nbsp; A` (bold, `_Applies to_:` variants). */
const PRODUCT_LINE =
  /^[ \t]*[_*]{1,2}(?:Applies to|Original product versions?)[ \t]*:?[ \t]*[_*]{1,2}[ \t]*:?((?:[ \t\u00a0]|&nbsp;)*)(.*)$/gim;

/** A `## Applies to` heading, whose bullet list names the products. */
const APPLIES_TO_HEADING = /^#{2,4}[ \t]+Applies to[ \t]*:?[ \t]*$/im;

export function extractKbNumber(body: string): number | null {
  const m = KB_LINE.exec(body);
  return m ? Number(m[1]) : null;
}

/** Markdown links reduced to their text, emphasis markers and trailing hard breaks removed. */
function plainInline(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/&nbsp;/g, ' ')
    .replace(/[*_`]+/g, '')
    .replace(/\\\s*$/, '')
    .replace(/[\s\u00a0]+/g, ' ')
    .trim();
}

/**
 * Splits a product list on commas (also `;`, `、`, `，`). A piece that starts with "version"
 * or "and later" belongs to the one before it ("Windows 10, version 1809" stays one product).
 */
export function splitProductList(text: string): string[] {
  const out: string[] = [];
  for (const raw of plainInline(text).split(/[,;、，]/)) {
    const piece = raw.trim();
    if (!piece) continue;
    if (out.length > 0 && /^(version\b|and later\b|all editions\b)/i.test(piece))
      out[out.length - 1] += `, ${piece}`;
    else out.push(piece);
  }
  return out;
}

function appliesToSection(body: string): string[] {
  const heading = APPLIES_TO_HEADING.exec(body);
  if (!heading) return [];
  const after = body.slice(heading.index + heading[0].length).split('\n');
  const items: string[] = [];
  for (const line of after) {
    if (/^#{1,6}\s/.test(line)) break;
    const item = /^[ \t]*[-*+][ \t]+(.+)$/.exec(line);
    if (item) items.push(plainInline(item[1]));
    else if (line.trim() && items.length > 0) break;
  }
  return items.filter((s) => s.length > 0 && s.length <= 200);
}

function stringList(value: unknown): string[] {
  if (value === null || value === undefined) return [];
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((v) => typeof v === 'string' || typeof v === 'number')
    .map((v) => String(v).trim())
    .filter((v) => v.length > 0);
}

/** Case-insensitive de-duplication keeping the first spelling and order. */
export function uniqueCaseless(values: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const v of values) {
    const key = v.toLowerCase();
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(v);
  }
  return out;
}

export function extractProducts(body: string, meta: Record<string, unknown>): string[] {
  const fromLines: string[] = [];
  for (const m of body.matchAll(PRODUCT_LINE)) fromLines.push(...splitProductList(m[2]));
  const appliesto = meta.appliesto;
  const fromMeta = Array.isArray(appliesto)
    ? stringList(appliesto)
    : stringList(appliesto).flatMap(splitProductList);
  return uniqueCaseless([...fromLines, ...appliesToSection(body), ...fromMeta]);
}

/**
 * Folder family and area (the first two folders under the source root) followed by
 * `ms.prod`, `ms.service` and `ms.technology`.
 */
export function extractAreas(path: string, root: string, meta: Record<string, unknown>): string[] {
  const inside = path.startsWith(root) ? path.slice(root.length) : path;
  const folders = inside.split('/').slice(0, -1).slice(0, 2);
  const fromMeta = ['ms.prod', 'ms.service', 'ms.technology'].flatMap((k) => stringList(meta[k]));
  return uniqueCaseless([...folders, ...fromMeta].filter((a) => a.length > 0));
}

/**
 * `ms.custom` tags that say nothing about the subject and are dropped: `csstroubleshoot`
 * (on almost every article), internal content ids (`CI 114797`), `devx-track-*` telemetry tags and
 * `has-…-ref` authoring markers. Every other tag is kept as written (`sap:` prefix normalized).
 */
const BOILERPLATE_TAGS = [/^css ?troubleshoot(ing)?$/i, /^CI ?\d+$/i, /^devx-track-/i, /^has-[\w-]+-ref$/i];

/** A comma piece that looks like a tag of its own: `sap:…`, a bare token with a `-`, `.` or `:` in it, or boilerplate. */
function looksLikeTag(piece: string): boolean {
  return (
    /^sap\s*:/i.test(piece) ||
    /^[a-z0-9]+(?:[-.:][a-z0-9+]+)+$/i.test(piece) ||
    BOILERPLATE_TAGS.some((re) => re.test(piece))
  );
}

/**
 * Splits a comma-separated `ms.custom` string. `sap:` values are support-area names that may
 * hold commas themselves (`sap:Installation, Patching and Upgrade`), so after a `sap:` value a
 * piece only starts a new tag when it looks like one; otherwise it continues the `sap:` value.
 */
export function splitCustomTags(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(',')) {
    const piece = raw.trim();
    if (!piece) continue;
    const previous = out[out.length - 1];
    if (previous !== undefined && /^sap\s*:/i.test(previous) && !looksLikeTag(piece))
      out[out.length - 1] += `, ${piece}`;
    else out.push(piece);
  }
  return out;
}

function collapseSpaces(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

export function extractKeywords(meta: Record<string, unknown>): string[] {
  const custom = meta['ms.custom'];
  const tags = Array.isArray(custom) ? stringList(custom) : stringList(custom).flatMap(splitCustomTags);
  return uniqueCaseless(
    tags
      .map((t) => collapseSpaces(t.replace(/^sap\s*:\s*/i, 'sap:').replace(/\\+$/, '')))
      .filter((t) => t && !BOILERPLATE_TAGS.some((re) => re.test(t))),
  );
}

function isoDate(year: number, month: number, day: number): string | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return d.toISOString().slice(0, 10);
}

/** `ms.date` as YYYY-MM-DD: `MM/DD/YYYY` (one-digit parts allowed) or already ISO; anything else is null. */
export function extractReviewDate(value: unknown): string | null {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return null;
  const us = /^\s*(\d{1,2})\/(\d{1,2})\/(\d{4})\s*$/.exec(value);
  if (us) return isoDate(Number(us[3]), Number(us[1]), Number(us[2]));
  const iso = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})/.exec(value);
  if (iso) return isoDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  return null;
}
