/**
 * Article HTML from markdown-it tokens. Most articles contain no raw HTML: markdown-it then
 * writes every tag itself and escapes all text and attribute values, so the sanitizer's policy
 * (link schemes, image sources, cell alignment, code classes) is applied to the tokens directly
 * and the sanitizer, the costliest step of the ingest, is skipped. An article with raw HTML goes
 * through the sanitizer. A test checks that the sanitizer leaves the fast path's output as it is.
 */
import type MarkdownIt from 'markdown-it';
import type Token from 'markdown-it/lib/token.mjs';
import { absoluteImageSrc, cellAlignment, sanitizeArticleHtml } from './html.ts';

const SAFE_LINK = /^(https?:|mailto:)/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
const CODE_LANGUAGE = /^[\w+#-]+$/;

export function hasRawHtml(tokens: Token[]): boolean {
  return tokens.some(
    (t) => t.type === 'html_block' || (t.children ?? []).some((c) => c.type === 'html_inline'),
  );
}

function applyLinkPolicy(token: Token): void {
  const href = token.attrGet('href');
  if (href === null) return;
  const h = href.trim();
  if (h.startsWith('//') || (HAS_SCHEME.test(h) && !SAFE_LINK.test(h)))
    token.attrs = (token.attrs ?? []).filter(([k]) => k !== 'href');
}

function applyImagePolicy(token: Token, baseUrl: string | null): void {
  const src = absoluteImageSrc(token.attrGet('src') ?? '', baseUrl);
  if (src) token.attrSet('src', src);
  else {
    // The sanitizer drops an image without a usable source entirely.
    token.type = 'text';
    token.content = '';
    token.children = null;
  }
}

function applyPolicy(tokens: Token[], baseUrl: string | null): void {
  for (const t of tokens) {
    if (t.type === 'th_open' || t.type === 'td_open') {
      const attribs = Object.fromEntries(t.attrs ?? []);
      t.attrs = Object.entries(cellAlignment(t.tag, attribs).attribs);
    } else if (t.type === 'fence' && t.info) {
      const lang = t.info.trim().split(/\s+/)[0];
      t.info = CODE_LANGUAGE.test(lang) ? lang : '';
    } else if (t.type === 'link_open') applyLinkPolicy(t);
    else if (t.type === 'image') applyImagePolicy(t, baseUrl);
    if (t.children) applyPolicy(t.children, baseUrl);
  }
}

export function renderArticleHtml(md: MarkdownIt, tokens: Token[], baseUrl: string | null): string {
  if (hasRawHtml(tokens)) return sanitizeArticleHtml(md.renderer.render(tokens, md.options, {}), baseUrl);
  applyPolicy(tokens, baseUrl);
  return md.renderer.render(tokens, md.options, {});
}
