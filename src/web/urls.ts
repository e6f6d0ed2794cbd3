/**
 * The addresses of articles, their revisions and diffs, built in one place: site paths for
 * links in pages (`/kb/307175`, `/a/<path>` for articles without a number) and absolute URLs
 * for feeds, the API and the widget.
 */

export interface ArticleAddress {
  kb: number | null;
  path: string;
}

/** `/kb/<number>`, or `/a/<path>` (each segment encoded) for an article without a number. */
export function articlePath(a: ArticleAddress): string {
  return a.kb
    ? `/kb/${a.kb}`
    : `/a/${a.path.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/')}`;
}

/** One revision's page: `/kb/<n>/revisions/<id>` or `/a/<path>?revision=<id>`. */
export function revisionPath(a: ArticleAddress, revisionId: number): string {
  return a.kb ? `/kb/${a.kb}/revisions/${revisionId}` : `${articlePath(a)}?revision=${revisionId}`;
}

/** The diff page of two revisions (without them: the form that picks them, or the last two). */
export function diffPath(a: ArticleAddress, from?: number, to?: number): string {
  const base = a.kb ? `/kb/${a.kb}/diff` : articlePath(a);
  return from !== undefined && to !== undefined ? `${base}?from=${from}&to=${to}` : base;
}

/** The article page as an absolute URL under the site's base URL. */
export function articleUrl(baseUrl: string, a: ArticleAddress): string {
  return `${baseUrl}${articlePath(a)}`;
}

/** Where the API serves one revision of an article, with its text. */
export function apiRevisionUrl(baseUrl: string, a: ArticleAddress, revisionId: number): string {
  const base = `${baseUrl}/api/v1/articles`;
  return a.kb
    ? `${base}/${a.kb}/revisions/${revisionId}`
    : `${base}/revisions/${revisionId}?path=${encodeURIComponent(a.path)}`;
}
