/**
 * A tiny XML writer for feeds: every text and attribute value is escaped, and characters XML 1.0
 * forbids (control characters, lone surrogates, U+FFFE/U+FFFF) are dropped, so no article text
 * can break the document or inject markup.
 */

const INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

export function escapeXml(value: string): string {
  return value.replace(INVALID, '').replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** A node: an element with attributes and children, or text. */
export type XmlNode = string | XmlElement;

export interface XmlElement {
  name: string;
  attrs?: Record<string, string | undefined>;
  children?: XmlNode[];
}

/** An element; attributes whose value is undefined are left out. */
export function el(
  name: string,
  attrs: Record<string, string | undefined> = {},
  ...children: XmlNode[]
): XmlElement {
  return { name, attrs, children };
}

function write(node: XmlNode, indent: string, out: string[]): void {
  if (typeof node === 'string') {
    out.push(escapeXml(node));
    return;
  }
  const attrs = Object.entries(node.attrs ?? {})
    .filter((e): e is [string, string] => e[1] !== undefined)
    .map(([k, v]) => ` ${k}="${escapeXml(v)}"`)
    .join('');
  const children = node.children ?? [];
  if (children.length === 0) {
    out.push(`${indent}<${node.name}${attrs}/>\n`);
  } else if (children.every((c) => typeof c === 'string')) {
    out.push(`${indent}<${node.name}${attrs}>`);
    for (const c of children) write(c, '', out);
    out.push(`</${node.name}>\n`);
  } else {
    out.push(`${indent}<${node.name}${attrs}>\n`);
    for (const c of children) {
      if (typeof c === 'string') throw new Error(`xml: <${node.name}> mixes text and elements`);
      write(c, `${indent}  `, out);
    }
    out.push(`${indent}</${node.name}>\n`);
  }
}

/** The document with its XML declaration. An element holds either text or elements, not both. */
export function xmlDocument(root: XmlElement): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>\n'];
  write(root, '', out);
  return out.join('');
}
