/**
 * The query language spoken by search, subscriptions, feeds, the widget and the API:
 * parse text into a syntax tree, print it back, match it in memory. The store compiles trees
 * for its full-text index (src/store/search/).
 *
 * - `windows server` both words (any field); `"exact phrase"`; `a OR b` (binds tighter than
 *   the implicit AND: `exchange 2016 OR 2019`); `-word`, `-"phrase"`, `-field:x`, `-( … )`;
 *   `( … )`; `AND` and `NOT` in capitals are accepted too.
 * - A word is letters and digits, joined inside by `_ . - '` (`0x80070005`, `Windows-10`,
 *   `v1.2.3`): such a word matches its pieces as a phrase (`windows 10`). Other punctuation
 *   separates words (`.NET` is `NET`, `C#` is `C`), so FTS and SQL syntax is never passed on.
 * - Fields: `title:` (full text, title only), `product:` `tech:` `keyword:` (technology slug or
 *   alias, else part of the article's lists), `kb:`, `source:` (source name); values are a
 *   word or a "quoted phrase". `updated:` and `reviewed:` take `> >= < <= =` or nothing (that
 *   day) and YYYY-MM-DD, in UTC days. `name:` with an unknown name is an error only when a
 *   value follows at once (`Error: 0x8007` and `C:\Windows` are plain text).
 * - `KB307175`, `Q307175`, `kb:307175` or a bare number alone is a KB jump (`kbJump`).
 * - At most 500 characters and 50 terms.
 */
export * from './ast.ts';
export { QueryError } from './errors.ts';
export { parse, kbJump } from './parser.ts';
export { format } from './format.ts';
export { matches, dateMatches, type MatchDocument } from './match.ts';
export { indexTokens, plainTokens, stem, dateRange } from './text.ts';
