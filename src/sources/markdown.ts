/**
 * Markdown adapter: one MicrosoftDocs-style article file (YAML front matter + Markdown body)
 * into a ParsedArticle. Pure: the caller supplies the bytes and, for includes, a reader.
 */
import { renderArticleHtml } from './markdown-render.ts';
import MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import type { ParsedArticle } from '../model/article.ts';
import { parseFrontMatter, splitFrontMatter } from './front-matter.ts';
import { collapseWhitespace, htmlToPlainText, truncate } from './html.ts';
import { resolveIncludes, type IncludeReader } from './includes.ts';
import {
  extractAreas,
  extractKbNumber,
  extractKeywords,
  extractProducts,
  extractReviewDate,
} from './markdown-fields.ts';
import { publicUrl } from './public-url.ts';

export { publicUrl, validateUrlTemplate, BUILTIN_URL_TEMPLATES } from './public-url.ts';
export type { IncludeReader } from './includes.ts';

export interface MarkdownOptions {
  /** `learn-support`, `learn-office` or a template with `{path}`/`{file}` (see public-url.ts). */
  urlTemplate: string;
  /** Returns the text of a repository file (an include), or undefined when it cannot. */
  readInclude?: IncludeReader;
  /** Larger files are rejected. */
  maxBytes?: number;
  /**
   * The source root (`support/`, or '' for a whole repository); areas start below it.
   * Default: '' except that a leading `support/` folder is skipped.
   */
  root?: string;
}

/**
 * Raw HTML in Markdown is parsed (the corpus uses `<br>`, lists inside table cells and
 * `<details>`) and every byte of output then goes through the sanitizer, which keeps unknown or
 * unsafe tags as escaped text. Links are validated by markdown-it (no javascript:, data:, …).
 */
const md = new MarkdownIt({ html: true, linkify: false, typographer: false });

const DESCRIPTION_MAX = 300;

function fail(path: string, message: string): never {
  throw new Error(`markdown article ${path}: ${message}`);
}

/** The file as text with `\n` line ends; throws for oversize, binary or non-UTF-8 content. */
function decodeSource(path: string, raw: Buffer | string, maxBytes: number | undefined): string {
  const size = typeof raw === 'string' ? Buffer.byteLength(raw, 'utf8') : raw.length;
  if (maxBytes !== undefined && size > maxBytes)
    fail(path, `${size} bytes is larger than the limit of ${maxBytes}`);
  let text: string;
  if (typeof raw === 'string') text = raw;
  else {
    if (raw.includes(0)) fail(path, 'binary content (NUL bytes), not a Markdown file');
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
    } catch {
      fail(path, 'not valid UTF-8 text');
    }
  }
  if (text.includes('\u0000')) fail(path, 'binary content (NUL bytes), not a Markdown file');
  return text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
}

function inlineText(token: Token | undefined): string {
  if (!token?.children) return collapseWhitespace(token?.content ?? '');
  const parts = token.children.map((c) => {
    if (c.type === 'text' || c.type === 'code_inline') return c.content;
    if (c.type === 'softbreak' || c.type === 'hardbreak') return ' ';
    if (c.type === 'image') return inlineText(c);
    return '';
  });
  return collapseWhitespace(parts.join(''));
}

function firstH1(tokens: Token[]): string | null {
  const i = tokens.findIndex((t) => t.type === 'heading_open' && t.tag === 'h1');
  if (i < 0) return null;
  return inlineText(tokens[i + 1]) || null;
}

function firstParagraph(tokens: Token[]): string {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].type !== 'paragraph_open' || tokens[i].level !== 0) continue;
    const text = inlineText(tokens[i + 1]);
    if (text && !/^(_|\*)?(Applies to|Original )/i.test(tokens[i + 1].content))
      return truncate(text, DESCRIPTION_MAX);
  }
  return '';
}

function metaString(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' ? collapseWhitespace(String(value)) : '';
}

function defaultRoot(path: string): string {
  return path.startsWith('support/') ? 'support/' : '';
}

export function parseMarkdownArticle(
  path: string,
  raw: Buffer | string,
  opts: MarkdownOptions,
): ParsedArticle {
  const source = decodeSource(path, raw, opts.maxBytes);
  const { yaml, body } = splitFrontMatter(source);
  let meta: Record<string, unknown> = {};
  try {
    if (yaml !== null) meta = parseFrontMatter(yaml);
  } catch (e) {
    fail(path, (e as Error).message);
  }
  const text = resolveIncludes(body, path, opts.readInclude).replace(/^\n+/, '');
  const tokens = md.parse(text, {});
  const title = firstH1(tokens) ?? metaString(meta.title);
  if (!title) fail(path, 'no title (neither a "# " heading nor a front matter title)');
  const url = publicUrl(path, opts.urlTemplate);
  const bodyHtml = renderArticleHtml(md, tokens, url);
  return {
    path,
    kb: extractKbNumber(body),
    title,
    description: metaString(meta.description) || firstParagraph(tokens),
    text,
    bodyHtml,
    plainText: htmlToPlainText(bodyHtml),
    products: extractProducts(body, meta),
    areas: extractAreas(path, opts.root ?? defaultRoot(path), meta),
    keywords: extractKeywords(meta),
    lastReviewed: extractReviewDate(meta['ms.date']),
    url,
    meta,
  };
}

const TOP_LEVEL_NON_ARTICLES =
  /^(readme|security|contributing|code_of_conduct|license(-code)?|thirdpartynotices|changelog|support|privacy)\.md$/i;

/**
 * True for the article files of a source: `*.md` under `root` (`support/`, or '' for the whole
 * repository), outside any `includes/` or hidden folder, not `index.md`, not a `toc` file, and
 * not a repository housekeeping file (README.md, SECURITY.md, …) at the top.
 */
export function isArticlePath(path: string, root: string): boolean {
  const prefix = root && !root.endsWith('/') ? `${root}/` : root;
  if (!path.startsWith(prefix) || !path.endsWith('.md')) return false;
  const parts = path.split('/');
  const file = parts[parts.length - 1];
  if (parts.slice(0, -1).some((p) => p.toLowerCase() === 'includes' || p.startsWith('.') || p === ''))
    return false;
  if (/^(index|toc)\.md$/i.test(file) || /^toc\./i.test(file)) return false;
  if (parts.length === 1 && TOP_LEVEL_NON_ARTICLES.test(file)) return false;
  return true;
}
