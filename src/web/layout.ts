/** The page shell every HTML page shares: head, header with search, main, footer. */
import { html, type SafeHtml } from './html.ts';

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** The current query, kept in the header search box. */
  query?: string;
  /** Signed-in user's e-mail, if any. */
  user?: { email: string; isAdmin: boolean } | null;
  description?: string;
  head?: SafeHtml;
}

export function page(opts: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${opts.title} – kbwatch</title>
${opts.description ? html`<meta name="description" content="${opts.description}">` : ''}
<link rel="stylesheet" href="/static/site.css">
${opts.head ?? ''}
</head>
<body>
<header class="site">
<a class="brand" href="/">kbwatch</a>
<form class="search" role="search" action="/search" method="get">
<label for="q" class="visually-hidden">Search the knowledge base</label>
<input id="q" name="q" type="search" value="${opts.query ?? ''}" placeholder="Search articles, KB numbers…">
<button type="submit">Search</button>
</form>
<nav aria-label="Account">${opts.user ? html`<a href="/account">${opts.user.email}</a>${opts.user.isAdmin ? html` <a href="/admin">Admin</a>` : ''}` : html`<a href="/login">Log in</a> <a href="/signup">Sign up</a>`}</nav>
</header>
<main id="main">
${opts.body}
</main>
<footer class="site"><p>kbwatch — knowledge-base alerts. Article content belongs to its publishers (MicrosoftDocs content is CC BY 4.0).</p></footer>
</body>
</html>`.value;
}
