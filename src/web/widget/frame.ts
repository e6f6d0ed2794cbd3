/**
 * GET /widget/frame?tech=&q=&count=&theme= — the widget as a small HTML page for sites that
 * forbid scripts: framable from anywhere (CSP frame-ancestors *, no X-Frame-Options), no
 * script, no cookie, its one inline style allowed by hash.
 */
import { createHash } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { articleUrl } from '../urls.ts';
import { clientError, prepare } from '../error-handler.ts';
import { html, raw, safeUrl, type SafeHtml } from '../html.ts';
import { latestArticles } from '../feeds/latest.ts';
import { WIDGET_CSS } from './client.ts';
import { widgetHeaders } from './headers.ts';
import { resolveWidget, widgetMoreUrl, widgetTitle, type Theme } from './params.ts';

const FRAME_CSS = `${WIDGET_CSS.replace(':host { all: initial; display: block; }', 'html, body { margin: 0; padding: 0; background: transparent; }')}
.box { max-width: none; margin: 0; min-height: calc(100vh - 22px); }
.error { color: #b3261e; }
`;

export const FRAME_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(FRAME_CSS).digest('base64')}'; img-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors *`;

function frameDocument(title: string, theme: Theme, content: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title}</title>
<style>${raw(FRAME_CSS)}</style>
</head>
<body>
<section class="box ${theme}">
${content}
</section>
</body>
</html>`.value;
}

export function widgetFrame(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const w = await resolveWidget(ctx, req.query);
    const articles = await latestArticles(ctx, { technology: w.technology, query: w.query }, w.count);
    const title = widgetTitle(w);
    const items = articles.map(
      (a) =>
        html`<li><a href="${safeUrl(articleUrl(ctx.config.baseUrl, a))}" target="_blank" rel="noopener">${a.kb ? `KB${a.kb}: ` : ''}${a.title}</a><span class="date">${a.lastChanged.slice(0, 10)}</span></li>`,
    );
    const content = html`<h2>${title}</h2>
<ul>${items.length ? items : html`<li class="status">No articles yet.</li>`}</ul>
<p class="via"><a href="${safeUrl(widgetMoreUrl(ctx, w))}" target="_blank" rel="noopener">More on kbwatch</a></p>`;
    return widgetHeaders(
      reply.type('text/html; charset=utf-8').header('Content-Security-Policy', FRAME_CSP),
    ).send(frameDocument(title, w.theme, content));
  };
}

/** Bad options shown inside the frame, still framable, never cached; anything else goes to the site's handler. */
export function widgetFrameErrors(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const e = clientError(req, err);
  if (!e) throw err;
  const theme: Theme = (req.query as Record<string, unknown>)?.theme === 'dark' ? 'dark' : 'light';
  const content = html`<h2>kbwatch widget</h2><p class="error" role="alert">${e.message}</p>`;
  return prepare(reply, e)
    .type('text/html; charset=utf-8')
    .header('Content-Security-Policy', FRAME_CSP)
    .header('Cache-Control', 'no-store')
    .send(frameDocument('kbwatch widget', theme, content));
}
