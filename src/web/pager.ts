/** Pagination links: previous, a window of page numbers around the current one, next. */
import { html, type SafeHtml } from './html.ts';

export function pager(current: number, pages: number, hrefOf: (page: number) => string): SafeHtml | '' {
  if (pages <= 1) return '';
  const from = Math.max(1, current - 3);
  const to = Math.min(pages, current + 3);
  const numbers: SafeHtml[] = [];
  if (from > 1)
    numbers.push(
      html`<a href="${hrefOf(1)}">1</a>`,
      ...(from > 2 ? [html`<span aria-hidden="true">…</span>`] : []),
    );
  for (let p = from; p <= to; p++) {
    numbers.push(
      p === current
        ? html`<span aria-current="page"><span class="visually-hidden">Page </span>${p}</span>`
        : html`<a href="${hrefOf(p)}"><span class="visually-hidden">Page </span>${p}</a>`,
    );
  }
  if (to < pages) numbers.push(html`<span aria-hidden="true">…</span>`);
  return html`<nav class="pager" aria-label="Pages">
${current > 1 ? html`<a href="${hrefOf(current - 1)}" rel="prev">← Previous</a>` : ''}
${numbers}
${current < pages ? html`<a href="${hrefOf(current + 1)}" rel="next">Next →</a>` : ''}
</nav>`;
}
