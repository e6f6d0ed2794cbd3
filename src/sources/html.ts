/**
 * HTML helpers shared by the source adapters: the one sanitizer policy for article bodies,
 * escaping for text that must stay text, and the readable text of sanitized HTML.
 */
import sanitizeHtml from 'sanitize-html';

const ARTICLE_TAGS = [
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'blockquote',
  'pre',
  'code',
  'kbd',
  'samp',
  'var',
  'em',
  'strong',
  'b',
  'i',
  'u',
  's',
  'del',
  'ins',
  'mark',
  'sub',
  'sup',
  'small',
  'abbr',
  'cite',
  'q',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
  'colgroup',
  'col',
  'a',
  'img',
  'details',
  'summary',
  'figure',
  'figcaption',
  'span',
  'div',
];

/**
 * Tag names are matched case-sensitively (so that `<DateTime>`-style placeholders written in
 * article text come out as the text the author wrote); real tags may be written in either case.
 */
const ALLOWED_TAGS = [...ARTICLE_TAGS, ...ARTICLE_TAGS.map((t) => t.toUpperCase())];

function isAbsoluteHttp(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** `src` made absolute against `base` (the article's public URL), or null when it cannot be. */
export function absoluteImageSrc(src: string, base: string | null): string | null {
  if (isAbsoluteHttp(src)) return src;
  if (!base || /^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('//')) return null;
  try {
    return new URL(src, base).href;
  } catch {
    return null;
  }
}

/** Table cell `style="text-align:x"` (as Markdown tables render) becomes `align="x"`; other styles go. */
export function cellAlignment(tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag {
  const { style, ...rest } = attribs;
  const align = /^\s*text-align\s*:\s*(left|right|center)\s*;?\s*$/i.exec(style ?? '');
  return { tagName, attribs: align ? { ...rest, align: align[1].toLowerCase() } : rest };
}

/**
 * Sanitizes rendered article HTML: ordinary article tags only; links may be http, https,
 * mailto or relative; images must end up with an http(s) `src` (relative ones are resolved
 * against `baseUrl`, the public page, else dropped); no script, style, iframe, event handlers
 * or inline styles (table cell alignment is kept as `align`). Tags outside the list are kept as
 * escaped text rather than silently removed, so placeholders like `<ComputerName>` stay readable.
 */
export function sanitizeArticleHtml(html: string, baseUrl: string | null = null): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    disallowedTagsMode: 'escape',
    parser: { lowerCaseTags: false },
    allowedAttributes: {
      a: ['href', 'title', 'name', 'id'],
      img: ['src', 'alt', 'title', 'width', 'height'],
      th: ['colspan', 'rowspan', 'align'],
      td: ['colspan', 'rowspan', 'align'],
      ol: ['start', 'type'],
      code: ['class'],
      h1: ['id'],
      h2: ['id'],
      h3: ['id'],
      h4: ['id'],
      h5: ['id'],
      h6: ['id'],
    },
    allowedClasses: { code: [/^language-[\w+#-]+$/] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    transformTags: {
      td: cellAlignment,
      th: cellAlignment,
      img: (tagName, attribs) => {
        const src = absoluteImageSrc(attribs.src ?? '', baseUrl);
        const next = { ...attribs };
        if (src) next.src = src;
        else delete next.src;
        return { tagName, attribs: next };
      },
    },
    exclusiveFilter: (frame) => frame.tag.toLowerCase() === 'img' && !frame.attribs.src,
  });
}

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  '#39': "'",
};

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (lower in ENTITIES) return ENTITIES[lower];
    if (lower.startsWith('#x')) return safeCodePoint(parseInt(lower.slice(2), 16)) ?? whole;
    if (lower.startsWith('#')) return safeCodePoint(parseInt(lower.slice(1), 10)) ?? whole;
    return whole;
  });
}

function safeCodePoint(n: number): string | undefined {
  return Number.isInteger(n) && n > 0 && n <= 0x10ffff ? String.fromCodePoint(n) : undefined;
}

/** Collapses every run of whitespace (JavaScript's \s includes no-break spaces) to one space, trimmed. */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

const BLOCK_TAGS = new Set([
  'p',
  'br',
  'hr',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'li',
  'tr',
  'td',
  'th',
  'div',
  'blockquote',
  'pre',
  'dt',
  'dd',
  'table',
  'summary',
  'details',
  'figcaption',
  'ul',
  'ol',
]);

/** `text` cut to at most `max` characters at a word boundary, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${space > max / 2 ? cut.slice(0, space) : cut}…`;
}

/**
 * The readable text of sanitized HTML: tags gone, block boundaries become spaces, entities
 * decoded, whitespace collapsed. Only for output of `sanitizeArticleHtml`/`escapeHtml`
 * (well-formed, `<` and `>` escaped inside text and attributes).
 */
export function htmlToPlainText(html: string): string {
  const text = html.replace(/<\/?([a-zA-Z][a-zA-Z0-9]*)[^>]*>/g, (_tag, name: string) =>
    BLOCK_TAGS.has(name.toLowerCase()) ? ' ' : '',
  );
  return collapseWhitespace(decodeEntities(text));
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe to place inside HTML element content or a quoted attribute. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}
