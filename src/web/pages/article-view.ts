/**
 * The article page's parts: the classic metadata block, the body with its credit, the
 * revision history with a compare form, and "Mentioned in".
 */
import { slugify } from '../../model/technology.ts';
import type { Mention } from '../../store/article-extras.ts';
import { jsonList as list } from '../../store/codec.ts';
import type { Article, Source } from '../../store/schema.ts';
import { html, raw, safeUrl, type SafeHtml } from '../html.ts';
import { longDate, techHref, timeTag } from '../view.ts';
import { articlePath, diffPath, revisionPath } from '../urls.ts';

export interface RevisionRow {
  id: number;
  number: string;
  seen_at: string;
  title: string;
  source: string;
  source_kind: string;
}

export interface ArticleView {
  article: Article;
  source: Pick<Source, 'name' | 'kind'> | undefined;
  revisions: RevisionRow[];
  /** Technology slug → name, for linking the metadata lists. */
  techs: Map<string, string>;
  mentions: Mention[];
}

function linked(names: string[], techs: Map<string, string>, tag = false): SafeHtml[] {
  return names.map((n) => {
    const slug = slugify(n);
    if (techs.has(slug)) return html`<li><a href="${techHref(slug)}">${n}</a></li>`;
    return tag ? html`<li><span class="tag">${n}</span></li>` : html`<li>${n}</li>`;
  });
}

export function metaBlock(v: ArticleView): SafeHtml {
  const a = v.article;
  const products = list(a.products);
  const keywords = [...list(a.keywords), ...list(a.areas)];
  return html`<div class="kb-meta"><dl>
<dt>Article ID</dt><dd>${a.kb ?? a.path}</dd>
<dt>Last Review</dt><dd>${a.last_reviewed ? timeTag(a.last_reviewed) : 'not stated'}</dd>
<dt>Revision</dt><dd>${a.revision}</dd>
${products.length ? html`<dt>Applies to</dt><dd><ul>${linked(products, v.techs)}</ul></dd>` : ''}
${keywords.length ? html`<dt>Keywords</dt><dd><ul class="tags">${linked(keywords, v.techs, true)}</ul></dd>` : ''}
</dl></div>`;
}

/** "Previously published under Q…": the classic text of a modern article, one click away. */
export function previouslyPublished(v: ArticleView): SafeHtml | '' {
  const a = v.article;
  if (!a.kb || v.source?.kind === 'classic') return '';
  const classic = [...v.revisions].reverse().find((r) => r.source_kind === 'classic');
  return classic
    ? html`<p class="notice">This article was previously published under <a href="${revisionPath(a, classic.id)}">Q${a.kb}</a>.</p>`
    : '';
}

export function sourceNote(v: ArticleView): SafeHtml {
  const a = v.article;
  const credit =
    v.source?.kind === 'git'
      ? html`Source: Microsoft, <a href="https://creativecommons.org/licenses/by/4.0/" rel="license">CC BY 4.0</a>.`
      : html`Source: Microsoft Knowledge Base${v.source ? html` (${v.source.name})` : ''}. © Microsoft Corporation.`;
  const original = a.url
    ? html` <a href="${safeUrl(a.url)}" rel="noopener noreferrer">Read the original article</a>.`
    : '';
  return html`<p class="source-note">${credit}${original} kbwatch shows a copy taken ${longDate(a.last_changed)}.</p>`;
}

/** A leading `<h1>` of the body repeats the title the page already shows as its one h1. */
const LEADING_H1 = /^\s*<h1\b[^>]*>[\s\S]*?<\/h1>\s*/i;

export function articleBody(a: Article): SafeHtml {
  // body_html was sanitized when the article was stored.
  return html`<div class="article-body">${raw(a.body_html.replace(LEADING_H1, ''))}</div>`;
}

/** The newest revisions get a row each; older ones a compact link, so long histories stay small. */
const HISTORY_ROWS = 30;

function compareForm(v: ArticleView, shown: RevisionRow[]): SafeHtml | '' {
  if (shown.length < 2) return '';
  const options = (selected: number) =>
    shown.map(
      (r) =>
        html`<option value="${r.id}"${r.id === selected ? html` selected` : ''}>${r.number} · ${r.seen_at.slice(0, 10)} · ${r.source}</option>`,
    );
  const last = shown[shown.length - 1].id;
  const before = shown[shown.length - 2].id;
  return html`<form method="get" action="${diffPath(v.article)}" class="filters">
<div class="field"><label for="diff-from">Compare revision</label><select id="diff-from" name="from">${options(before)}</select></div>
<div class="field"><label for="diff-to">with revision</label><select id="diff-to" name="to">${options(last)}</select></div>
<button type="submit">Show changes</button>
</form>`;
}

export function history(v: ArticleView): SafeHtml {
  const a = v.article;
  const all = v.revisions;
  const first = Math.max(0, all.length - HISTORY_ROWS);
  const shown = all.slice(first);
  const older = all.slice(0, first);
  const rows = shown.map((r, k) => {
    const previous = all[first + k - 1];
    return html`<tr>
<td><a href="${revisionPath(a, r.id)}">${r.number}</a></td>
<td>${timeTag(r.seen_at)}</td>
<td>${r.source}${r.source_kind === 'classic' && a.kb ? html` (Q${a.kb})` : ''}</td>
<td>${previous ? html`<a href="${diffPath(a, previous.id, r.id)}">changes<span class="visually-hidden"> in revision ${r.number}</span></a>` : 'first seen'}</td>
</tr>`;
  });
  return html`<section class="revisions" aria-labelledby="history"><h2 id="history">Revision history</h2>
${
  rows.length
    ? html`<div class="table-wrap"><table><caption class="visually-hidden">Revisions of this article, oldest first</caption>
<thead><tr><th scope="col">Revision</th><th scope="col">Seen</th><th scope="col">Source</th><th scope="col">Changes</th></tr></thead>
<tbody>${rows}</tbody></table></div>
${older.length ? html`<p>${older.length} older revisions: ${older.map((r, k) => html`${k ? ', ' : ''}<a href="${revisionPath(a, r.id)}">${r.number}</a>`)}.</p>` : ''}
${compareForm(v, shown)}`
    : html`<p>No revisions recorded.</p>`
}
</section>`;
}

export function mentionedIn(v: ArticleView): SafeHtml {
  return html`<section aria-labelledby="mentioned"><h2 id="mentioned">Mentioned in</h2>
${
  v.mentions.length
    ? html`<ul class="items">${v.mentions.map((m) => html`<li><a href="${articlePath(m)}">${m.title}</a>${m.kb ? html` <span class="count">KB${m.kb}</span>` : ''}</li>`)}</ul>`
    : html`<p>No other article in the archive mentions this one.</p>`
}
</section>`;
}
