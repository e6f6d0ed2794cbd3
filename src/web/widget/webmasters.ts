/**
 * GET /webmasters — the snippet builder: a GET form (technology or query, count, theme) that
 * re-renders the page with the `<script>` and `<iframe>` snippets and a live preview (the
 * iframe variant). Works without JavaScript. Options that cannot make a widget (refused by the
 * route's schema, or an unknown technology) show the form again with the problem.
 */
import type { FastifyError, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { escapeHtml, html, type SafeHtml } from '../html.ts';
import { technologyChoices } from '../../store/technology-read.ts';
import { clientError } from '../error-handler.ts';
import { currentUser, navUser } from '../session.ts';
import { sendHtml } from '../view.ts';
import {
  MAX_COUNT,
  readWidgetOptions,
  resolveWidget,
  THEMES,
  widgetQueryString,
  widgetTitle,
  type ResolvedWidget,
  type WidgetOptions,
} from './params.ts';

/** The site's policy, plus frames from this site for the preview. */
export const WEBMASTERS_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self' data: https:; script-src 'self'; form-action 'self'; frame-src 'self'; frame-ancestors 'none'; base-uri 'none'; connect-src 'self'";

const FRAME_SIZE = { width: 360, height: 420 };

export function scriptSnippet(base: string, w: ResolvedWidget): string {
  const attrs = [`src="${escapeHtml(`${base}/widget.js`)}"`];
  if (w.technology) attrs.push(`data-tech="${escapeHtml(w.technology.slug)}"`);
  if (w.q) attrs.push(`data-query="${escapeHtml(w.q)}"`);
  attrs.push(`data-count="${w.count}"`, `data-theme="${w.theme}"`, 'async');
  return `<script ${attrs.join(' ')}></script>`;
}

export function frameSrc(base: string, w: ResolvedWidget): string {
  return `${base}/widget/frame?${widgetQueryString({ tech: w.technology?.slug, q: w.q, count: w.count, theme: w.theme })}`;
}

export function iframeSnippet(base: string, w: ResolvedWidget): string {
  return `<iframe src="${escapeHtml(frameSrc(base, w))}" title="${escapeHtml(widgetTitle(w))}" width="${FRAME_SIZE.width}" height="${FRAME_SIZE.height}" loading="lazy" style="border:0"></iframe>`;
}

async function techOptions(ctx: Context): Promise<SafeHtml> {
  const techs = await technologyChoices(ctx.store.db, 300);
  return html`<datalist id="widget-techs">${techs.map((t) => html`<option value="${t.slug}">${t.name}</option>`)}</datalist>`;
}

function form(o: WidgetOptions, techs: SafeHtml): SafeHtml {
  return html`<form class="widget-builder" action="/webmasters" method="get">
<div class="field-row">
<div class="field"><label for="w-tech">Technology</label><input id="w-tech" name="tech" type="text" list="widget-techs" value="${o.tech}" maxlength="200"><span class="hint">A slug or name, e.g. windows-server-2019. Leave empty for all.</span></div>
<div class="field"><label for="w-q">Query</label><input id="w-q" name="q" type="search" value="${o.q}" maxlength="500"><span class="hint">Optional, in the search language: winsock -kb:307175</span></div>
</div>
${techs}
<div class="field-row">
<div class="field"><label for="w-count">Number of articles</label><input id="w-count" name="count" type="number" min="1" max="${MAX_COUNT}" value="${o.count}"></div>
<div class="field"><label for="w-theme">Theme</label><select id="w-theme" name="theme">${THEMES.map((t) => html`<option value="${t}"${t === o.theme ? html` selected` : ''}>${t}</option>`)}</select></div>
</div>
<button type="submit">Make the snippets</button>
</form>`;
}

function snippets(ctx: Context, w: ResolvedWidget): SafeHtml {
  const base = ctx.config.baseUrl;
  const preview = `/widget/frame?${widgetQueryString({ tech: w.technology?.slug, q: w.q, count: w.count, theme: w.theme })}`;
  return html`<section aria-labelledby="snippets">
<h2 id="snippets">Your snippets</h2>
<h3>Script (renders in your page, styled in its own shadow DOM)</h3>
<label for="snippet-script" class="visually-hidden">Script snippet</label>
<textarea id="snippet-script" readonly rows="3">${scriptSnippet(base, w)}</textarea>
<h3>Iframe (for pages that allow no scripts)</h3>
<label for="snippet-iframe" class="visually-hidden">Iframe snippet</label>
<textarea id="snippet-iframe" readonly rows="3">${iframeSnippet(base, w)}</textarea>
<p class="hint">If your site sends a Content-Security-Policy, allow <code>${new URL(base).origin}</code> in <code>script-src</code> and <code>connect-src</code> for the script, or in <code>frame-src</code> for the iframe. Nothing else is needed: no cookies, no inline code.</p>
<h3>Preview</h3>
<iframe class="widget-preview" src="${preview}" title="Preview: ${widgetTitle(w)}" width="${FRAME_SIZE.width}" height="${FRAME_SIZE.height}"></iframe>
</section>`;
}

const INTRO = html`<h1>Latest articles on your site</h1>
<p>Show the newest and updated knowledge-base articles about a technology, or matching a search, on your own pages.
The widget sets no cookies, needs no account and is cached for five minutes. Choose what to show and copy one of the snippets.</p>`;

async function sendBuilder(
  ctx: Context,
  req: FastifyRequest,
  reply: FastifyReply,
  options: WidgetOptions,
  result: SafeHtml,
  status = 200,
): Promise<FastifyReply> {
  const body = html`${INTRO}${form(options, await techOptions(ctx))}${result}`;
  reply.header('Content-Security-Policy', WEBMASTERS_CSP);
  return sendHtml(
    reply,
    {
      title: 'Widget for webmasters',
      body,
      user: navUser(await currentUser(ctx, req)),
      description: 'Embed the latest knowledge-base articles on your site.',
    },
    { status, cache: 'public, max-age=300' },
  );
}

const OPTIONS = ['tech', 'q', 'count', 'theme'];

export function webmastersPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const submitted = OPTIONS.some((k) => k in (req.query as object));
    if (!submitted) return sendBuilder(ctx, req, reply, readWidgetOptions({}), html``);
    const w = await resolveWidget(ctx, req.query);
    return sendBuilder(ctx, req, reply, w, snippets(ctx, w));
  };
}

/** Options that cannot make a widget: the form again, as typed, with the problem where the snippets go. */
export function webmastersErrors(ctx: Context) {
  return async (err: FastifyError, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const e = clientError(req, err);
    if (!e) throw err;
    const query = req.query as Record<string, unknown>;
    const typed = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : '');
    const options = { ...readWidgetOptions({}), tech: typed('tech'), q: typed('q') };
    const notice = html`<div class="notice error" role="alert"><p>${e.message.replace(/^widget: /, '')}</p></div>`;
    return sendBuilder(ctx, req, reply, options, notice, e.status === 404 ? 404 : 400);
  };
}
