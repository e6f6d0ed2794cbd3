/**
 * Snippet text as HTML. The database marks hits with two control characters; the text is
 * escaped first and only then are the marks turned into `<mark>…</mark>`, so nothing from an
 * article reaches the page as markup.
 */

/** Marks the database puts around hits; turned into `<mark>` after escaping. */
export const START = '\u0002';
export const STOP = '\u0003';
const LEAD_WORDS = 30;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * Snippet text from the database as HTML: everything escaped, hit marks as balanced
 * `<mark>…</mark>` (stray marks in the article text itself cannot open or close one twice).
 */
export function highlight(raw: string): string {
  let open = false;
  const html = escapeHtml(raw.replace(/\s+/g, ' ').trim()).replace(/[\u0002\u0003]/g, (m) => {
    if ((m === START) === open) return '';
    open = !open;
    return open ? '<mark>' : '</mark>';
  });
  return open ? `${html}</mark>` : html;
}

/** The first words of a text, escaped, for results without full-text hits. */
export function lead(text: string): string {
  const words = text.split(/\s+/).filter(Boolean);
  const cut = words.slice(0, LEAD_WORDS).join(' ');
  return highlight(words.length > LEAD_WORDS ? `${cut} …` : cut);
}
