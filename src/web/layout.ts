/**
 * The page shell every HTML page shares: skip link, header (brand, search box, navigation),
 * main, footer. One stylesheet, no scripts, no external resources.
 */
import { html, type SafeHtml } from './html.ts';
import { assetUrl } from './static.ts';

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** The current query, kept in the header search box. */
  query?: string;
  /** Leave the header search box out (pages with their own big search box). */
  noHeaderSearch?: boolean;
  /** Signed-in user's e-mail, if any. */
  user?: { email: string; isAdmin: boolean } | null;
  description?: string;
  /** Absolute or site-relative canonical URL. */
  canonical?: string;
  /** Keep the page out of search engines (diffs, old revisions, error pages). */
  noindex?: boolean;
  head?: SafeHtml;
}

function headerSearch(opts: PageOptions): SafeHtml | '' {
  if (opts.noHeaderSearch) return '';
  return html`<form role="search" action="/search" method="get">
<label for="site-q" class="visually-hidden">Search the knowledge base</label>
<input id="site-q" name="q" type="search" value="${opts.query ?? ''}" placeholder="Search articles or KB numbers" maxlength="500">
<button type="submit">Search</button>
</form>`;
}

function nav(user: PageOptions['user']): SafeHtml {
  const account = user
    ? html`<li><a href="/account">Account<span class="visually-hidden"> (${user.email})</span></a></li>${user.isAdmin ? html`<li><a href="/admin">Admin</a></li>` : ''}`
    : html`<li><a href="/login">Log in</a></li><li><a href="/signup">Sign up</a></li>`;
  return html`<nav class="site-nav" aria-label="Main"><ul>
<li><a href="/tech">Technologies</a></li>
<li><a href="/search/advanced">Advanced search</a></li>
${account}
</ul></nav>`;
}

export function page(opts: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} – kbwatch</title>
${opts.description ? html`<meta name="description" content="${opts.description}">` : ''}
${opts.canonical ? html`<link rel="canonical" href="${opts.canonical}">` : ''}
${opts.noindex ? html`<meta name="robots" content="noindex">` : ''}
<link rel="stylesheet" href="${assetUrl('site.css')}">
${opts.head ?? ''}
</head>
<body>
<a class="skip-link" href="#main">Skip to content</a>
<header class="site-header"><div class="inner">
<a class="brand" href="/">kb<span>watch</span></a>
${headerSearch(opts)}
${nav(opts.user)}
</div></header>
<main id="main" tabindex="-1">
${opts.body}
</main>
<footer class="site-footer"><div class="inner">
<ul>
<li><a href="/">Home</a></li>
<li><a href="/tech">Technologies</a></li>
<li><a href="/search/advanced">Advanced search</a></li>
<li><a href="/webmasters">For webmasters</a></li>
</ul>
<p>kbwatch watches knowledge bases and sends at most one e-mail a day. Article content belongs to its publishers; MicrosoftDocs content is licensed CC BY 4.0.</p>
</div></footer>
</body>
</html>`.value;
}
