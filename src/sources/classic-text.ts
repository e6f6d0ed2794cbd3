/**
 * Text helpers for classic KB files: decoding old bytes, and turning the plain-text body
 * into safe HTML.
 */
import { escapeHtml } from './html.ts';

/** Windows-1252 characters for bytes 0x80–0x9F (undefined bytes stay as the Latin-1 code point). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d,
  0x017d, 0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a,
  0x0153, 0x9d, 0x017e, 0x0178,
];

/**
 * UTF-8 when the bytes are valid UTF-8, else Windows-1252 (decoded here: Node's TextDecoder
 * treats the `windows-1252` label as plain Latin-1). Never fails.
 */
export function decodeLegacyText(raw: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    let out = '';
    for (let i = 0; i < raw.length; i += 8192) {
      const codes = Array.from(raw.subarray(i, i + 8192), (b) =>
        b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : b,
      );
      out += String.fromCharCode(...codes);
    }
    return out;
  }
}

const CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/** Control characters (other than tab and line breaks) shown as their visible Unicode pictures. */
function visibleControls(text: string): string {
  CONTROLS.lastIndex = 0;
  if (!CONTROLS.test(text)) return text;
  return text.replace(CONTROLS, (c) =>
    c === '\x7f' ? '\u2421' : String.fromCharCode(0x2400 + c.charCodeAt(0)),
  );
}

const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"'()]+[^\s<>"'().,;:!?]/g;

/** Escaped text with http(s) URLs turned into links. */
function escapeAndLink(text: string): string {
  if (!text.includes('://')) return escapeHtml(text);
  let out = '';
  let at = 0;
  for (const m of text.matchAll(URL_IN_TEXT)) {
    out += escapeHtml(text.slice(at, m.index)) + `<a href="${escapeHtml(m[0])}">${escapeHtml(m[0])}</a>`;
    at = m.index! + m[0].length;
  }
  return out + escapeHtml(text.slice(at));
}

/** `SYMPTOMS` over `========` at the start of a block. */
const HEADING = /^[ \t]*(\S[^\n]*?)[ \t]*\n[ \t]*(=+|-+)[ \t]*(?:\n|$)/;
/** Indented, tabular or drawn text, or a separator line: kept exactly as laid out. */
const PREFORMATTED = /^(?: {2,}|\t)\S|\S {3,}\S|[|+]-{3,}|^[ \t]*(?:=+|-+)[ \t]*$/m;
/** List items, questions and answers, numbered steps: line breaks kept. */
const LINE_STRUCTURED = /^[ \t]*(?:[-*o]\s|\d{1,2}[.)]\s|[A-Z][.)]\s|Q:|A:)/m;

function blockHtml(block: string): string {
  const heading = HEADING.exec(block);
  if (heading && Math.abs(heading[2].length - heading[1].length) <= 3) {
    const rest = block.slice(heading[0].length);
    return `<h2>${escapeAndLink(heading[1])}</h2>` + (rest.trim() ? `\n${blockHtml(rest)}` : '');
  }
  if (PREFORMATTED.test(block)) return `<pre>${escapeAndLink(block)}</pre>`;
  const text = escapeAndLink(block.trim()).replace(/[ \t]*\n[ \t]*/g, '\n');
  return `<p>${block.includes('\n') && LINE_STRUCTURED.test(block) ? text.replaceAll('\n', '<br>\n') : text}</p>`;
}

/**
 * Body text as HTML: blank-line separated paragraphs become `<p>` (hard-wrapped prose joins
 * up, list-like lines keep their breaks), underlined titles become `<h2>`, indented or
 * tabular blocks stay as `<pre>`. Everything is escaped text; only URLs become links.
 */
export function classicBodyHtml(body: string): string {
  const blocks = visibleControls(body).split(/\n[ \t]*(?:\n[ \t]*)*\n/);
  const html: string[] = [];
  for (const block of blocks) {
    const trimmed = block.replace(/^\n+/, '').trimEnd();
    if (trimmed.trim()) html.push(blockHtml(trimmed));
  }
  return html.join('\n');
}

/** Body text for search and comparison: underlines and separators gone, whitespace collapsed. */
export function classicPlainText(body: string): string {
  CONTROLS.lastIndex = 0;
  const text = CONTROLS.test(body) ? body.replace(CONTROLS, '') : body;
  return text
    .replace(/^[ \t]*(?:=+|-+)[ \t]*$/gm, '')
    .replace(/\s+/g, ' ')
    .trim();
}
