/** GET /admin — counts that need attention, with links to each section. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { overviewCounts, type OverviewCounts } from '../../store/overview.ts';
import { html, type SafeHtml } from '../html.ts';
import { sendAdmin, signedIn } from './common.ts';

function overview(c: OverviewCounts): SafeHtml {
  const { pendingFeedback: pending, users } = c;
  return html`<ul class="admin-overview">
<li><a href="/admin/sources">${c.activeSources} active sources</a>${c.failingSources ? html`, <strong>${c.failingSources} failing</strong>` : ''}; ${c.liveArticles.toLocaleString('en-US')} live articles</li>
<li><a href="/admin/scans">Scan runs and changes per day</a></li>
<li><a href="/admin/outbox">Outbox</a>: ${c.queuedDigests} queued${c.failedDigests ? html`, <strong>${c.failedDigests} failed</strong>` : ''}</li>
<li><a href="/admin/feedback">${pending} feedback item${pending === 1 ? '' : 's'} waiting for moderation</a></li>
<li><a href="/admin/users">${users} user${users === 1 ? '' : 's'}</a></li>
</ul>`;
}

export function adminOverviewPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = signedIn(req);
    const body = overview(await overviewCounts(ctx.store.db));
    return sendAdmin(reply, current, '/admin', 'Administration', body);
  };
}
