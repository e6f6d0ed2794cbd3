/**
 * Classic adapter: one classic Microsoft KB text file (`DOCUMENT:Q127144  08-AUG-2001  [winnt]`
 * header, applies-to block, body, `Keywords/Technology/Version` trailer, disclaimer) into a
 * ParsedArticle. Pure; reading directories and archives is in classic-source.ts.
 */
import type { ParsedArticle } from '../model/article.ts';
import { classicBodyHtml, classicPlainText, decodeLegacyText } from './classic-text.ts';
import { truncate } from './html.ts';
import { uniqueCaseless } from './markdown-fields.ts';

export { readClassicSource, isClassicPath } from './classic-source.ts';

const DOCUMENT = /^DOCUMENT:\s*Q(\d+)\s*(\d{1,2}-[A-Za-z]{3}-\d{4})?\s*(.*)$/;
const HEADER_FIELD = /^([A-Z][A-Z/ ]*?)\s*:(.*)$/;
const TRAILER_FIELD = /^([A-Za-z][A-Za-z /]{0,30}?)\s*:\s?(.*)$/;
const SEPARATOR = /^\s*(={10,}|-{10,})\s*$/;
const UNDERLINE = /^\s*(=+|-+)\s*$/;
const APPLIES_TO = /^\s*The information in this article applies to\s*:?(.*)$/i;
const DISCLAIMER = /^THE INFORMATION PROVIDED IN THE MICROSOFT KNOWLEDGE BASE/;
const BODY_TAIL_FIELD = /^(Additional (?:query|reference) words|KBCategory|KBSubcategory)\s*:\s?(.*)$/i;
const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const DESCRIPTION_MAX = 300;

function fail(path: string, message: string): never {
  throw new Error(`classic article ${path}: ${message}`);
}

const isBlank = (line: string | undefined) => line !== undefined && line.trim() === '';

/** `08-AUG-2001` → `2001-08-08`; null when not a real date. */
export function classicDate(text: string | undefined): string | null {
  const m = /^(\d{1,2})-([A-Za-z]{3})-(\d{4})$/.exec(text ?? '');
  const month = m ? MONTHS.indexOf(m[2].toUpperCase()) : -1;
  if (!m || month < 0) return null;
  const d = new Date(Date.UTC(Number(m[3]), month, Number(m[1])));
  return d.getUTCDate() === Number(m[1]) ? d.toISOString().slice(0, 10) : null;
}

function skipBlank(lines: string[], from: number): number {
  let i = from;
  while (isBlank(lines[i])) i++;
  return i;
}

/** An applies-to item cleaned of its nesting connectors (`…, used with:`, `the operating system: …`). */
function productItem(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/^the operating system:\s*/i, '')
    .replace(/,?\s*(used with|included with|when used with|on platform\(s\)|on platforms?)\s*:?\s*$/i, '')
    .replace(/:\s*$/, '')
    .trim();
}

/** The applies-to block starting at `start` (if there is one): its items and the line after it. */
function readAppliesTo(lines: string[], start: number): { items: string[]; next: number } {
  let i = skipBlank(lines, start);
  const stray = APPLIES_TO.exec(lines[i] ?? '');
  if (stray && !stray[1].trim() && /^\s*-{10,}\s*$/.test(lines[skipBlank(lines, i + 1)] ?? ''))
    i = skipBlank(lines, i + 1);
  const dashed = /^\s*-{10,}\s*$/.test(lines[i] ?? '');
  const first = APPLIES_TO.exec(lines[dashed ? i + 1 : i] ?? '');
  if (!first) return { items: [], next: dashed ? i + 1 : i };
  i += dashed ? 2 : 1;
  const items = first[1]
    .split(/\s+-\s+/)
    .map(productItem)
    .filter(Boolean);
  for (; i < lines.length; i++) {
    const line = lines[i];
    if (SEPARATOR.test(line)) return { items: items.map(productItem).filter(Boolean), next: i + 1 };
    const item = /^\s*-\s+(.*)$/.exec(line);
    if (item) items.push(item[1]);
    else if (!isBlank(line) && /^\s/.test(line) && items.length > 0)
      items[items.length - 1] += ` ${line.trim()}`;
    else if (!isBlank(line) && !dashed) break;
  }
  return { items: items.map(productItem).filter(Boolean), next: i };
}

/** Where the trailer (`====` then `Keywords :` … lines) and the disclaimer begin. */
function findTrailer(lines: string[], from: number): { bodyEnd: number; fields: Record<string, string> } {
  let end = lines.length;
  for (let i = lines.length - 1; i >= from; i--) {
    if (DISCLAIMER.test(lines[i])) {
      end = i;
      break;
    }
  }
  while (end > from && (isBlank(lines[end - 1]) || /^\s*={10,}\s*$/.test(lines[end - 1]))) end--;
  let top = end;
  while (top > from && (isBlank(lines[top - 1]) || TRAILER_FIELD.test(lines[top - 1]))) top--;
  if (top === end || top <= from || !/^\s*={10,}\s*$/.test(lines[top - 1]))
    return { bodyEnd: end, fields: {} };
  const fields: Record<string, string> = {};
  for (const line of lines.slice(top, end)) {
    const m = TRAILER_FIELD.exec(line);
    if (m) fields[m[1].trim()] = m[2].trim();
  }
  return { bodyEnd: top - 1, fields };
}

/** Body lines without trailing blank lines, separators and `Additional query words:`-style lines (moved to `meta`). */
function trimBodyTail(lines: string[], meta: Record<string, string>): string[] {
  let end = lines.length;
  for (; end > 0; end--) {
    const line = lines[end - 1];
    const field = BODY_TAIL_FIELD.exec(line);
    if (field) meta[field[1]] = field[2].trim();
    else if (!isBlank(line) && !SEPARATOR.test(line)) break;
  }
  let start = 0;
  while (start < end && isBlank(lines[start])) start++;
  return lines.slice(start, end).map((l) => l.trimEnd());
}

/** The first prose paragraph of the body (headings skipped), at most 300 characters. */
function describe(body: string): string {
  for (const block of body.slice(0, 8000).split(/\n[ \t]*\n/)) {
    const lines = block.split('\n').filter((l) => l.trim());
    const text = (lines.length >= 2 && UNDERLINE.test(lines[1]) ? lines.slice(2) : lines)
      .join(' ')
      .replace(/\s+/g, ' ')
      .trim();
    if (text.length >= 20 || (text && !/^[A-Z0-9 ]+$/.test(text))) return sentenceCut(text);
  }
  return '';
}

function sentenceCut(text: string): string {
  if (text.length <= DESCRIPTION_MAX) return text;
  const within = text.slice(0, DESCRIPTION_MAX);
  const end = Math.max(within.lastIndexOf('. '), within.lastIndexOf('? '));
  return end >= 80 ? within.slice(0, end + 1) : truncate(text, DESCRIPTION_MAX);
}

function words(text: string | undefined): string[] {
  return (text ?? '').split(/\s+/).filter(Boolean);
}

export function parseClassicArticle(path: string, raw: Buffer): ParsedArticle {
  if (raw.includes(0)) fail(path, 'binary content (NUL bytes), not a classic KB text file');
  const lines = decodeLegacyText(raw)
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  let at = 0;
  while (isBlank(lines[at])) at++;
  const doc = DOCUMENT.exec(lines[at] ?? '');
  if (!doc) fail(path, 'no "DOCUMENT:Q…" header line');
  const kb = Number(doc[1]);
  const meta: Record<string, unknown> = {
    DOCUMENT: `Q${doc[1]}`,
    DATE: doc[2] ?? null,
    TAGS: [...doc[3].matchAll(/\[([^\]]+)\]/g)].map((m) => m[1].trim()),
  };
  for (at++; at < lines.length && HEADER_FIELD.test(lines[at]); at++) {
    const [, name, value] = HEADER_FIELD.exec(lines[at])!;
    meta[name.trim()] = value.trim();
  }
  while (isBlank(lines[at])) at++;
  if (/^\s*={10,}\s*$/.test(lines[at] ?? '')) at++;
  const applies = readAppliesTo(lines, at);
  const trailer = findTrailer(lines, applies.next);
  const tail: Record<string, string> = {};
  const body = trimBodyTail(lines.slice(applies.next, Math.max(applies.next, trailer.bodyEnd)), tail).join(
    '\n',
  );
  Object.assign(meta, tail, trailer.fields);
  const header = meta as Record<string, string>;
  const prodVerCodes = (header['PROD/VER'] ?? '')
    .split(';')
    .flatMap((p) => /^\s*([A-Za-z][\w.-]*)\s*:/.exec(p)?.[1] ?? []);
  return {
    path,
    kb,
    title: (header.TITLE ?? '').replace(/\s+/g, ' ').trim() || `Q${kb}`,
    description: describe(body),
    text: body,
    bodyHtml: classicBodyHtml(body),
    plainText: classicPlainText(body),
    products: uniqueCaseless(
      [header.PRODUCT, ...applies.items]
        .filter((p): p is string => !!p && p.trim() !== '')
        .map((p) => p.trim()),
    ),
    areas: uniqueCaseless([...(meta.TAGS as string[]), ...prodVerCodes]),
    keywords: uniqueCaseless([...words(header.KEYWORDS), ...words(trailer.fields.Keywords)]),
    lastReviewed: classicDate(doc[2]),
    url: `https://support.microsoft.com/kb/${kb}`,
    meta,
  };
}
