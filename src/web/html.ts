/**
 * Escaping HTML templates: every interpolated value is escaped unless wrapped in `raw()` or
 * produced by another `html` template. Arrays are joined.
 */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

export function raw(value: string): SafeHtml {
  return new SafeHtml(value);
}

function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join('');
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** Only http(s), mailto and site-relative URLs survive; anything else (javascript:, data:) becomes '#'. */
export function safeUrl(url: string | null | undefined): string {
  if (!url) return '#';
  const u = url.trim();
  if (/^(https?:|mailto:)/i.test(u) || (u.startsWith('/') && !u.startsWith('//'))) return u;
  return '#';
}
