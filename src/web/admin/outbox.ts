/** GET /admin/outbox?status= — digests by status; POST /admin/outbox/:id/retry puts a failed one back in the queue. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { requeueFailedDigest } from '../../store/digests.ts';
import { countDigestsByStatus, listOutbox, type DigestState, type OutboxRow } from '../../store/outbox.ts';
import { notFound } from '../errors.ts';
import { html, type SafeHtml } from '../html.ts';
import type { CurrentUser } from '../session.ts';
import { actionButton, idOf, noticeFor, seeOther, sendAdmin, shortTime, signedIn } from './common.ts';

const STATUSES = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;
const NOTICES = { retried: 'The digest is queued again; the next delivery run sends it.' };

function statusTabs(status: DigestState | undefined, counts: Map<DigestState, number>): SafeHtml {
  return html`<ul class="tabs">
<li><a href="/admin/outbox"${status ? '' : html` aria-current="page"`}>All</a></li>
${STATUSES.map((s) => html`<li><a href="/admin/outbox?status=${s}"${s === status ? html` aria-current="page"` : ''}>${s} (${counts.get(s) ?? 0})</a></li>`)}
</ul>`;
}

function digestRow(current: CurrentUser, d: OutboxRow): SafeHtml {
  return html`<tr><td>${d.id}</td><td>${d.user}</td><td>${d.period}</td><td>${d.status}</td><td>${d.items}</td><td>${d.attempts}${d.ambiguous ? html` <span class="hint" title="The connection dropped before the server answered: the message may have arrived before the retry">(${d.ambiguous} unknown)</span>` : ''}</td><td>${shortTime(d.createdAt)}</td><td>${shortTime(d.sentAt)}</td><td class="wrap">${d.lastError ?? ''}</td>
<td>${d.status === 'failed' ? actionButton(current, `/admin/outbox/${d.id}/retry`, 'Retry') : ''}</td></tr>`;
}

function outboxTable(current: CurrentUser, status: DigestState | undefined, rows: OutboxRow[]): SafeHtml {
  const body = rows.length
    ? rows.map((d) => digestRow(current, d))
    : html`<tr><td colspan="10">Nothing here.</td></tr>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Outbox"><table class="data">
<caption>${status ? `Digests ${status}` : 'All digests'}, newest first</caption>
<thead><tr><th scope="col">Digest</th><th scope="col">To</th><th scope="col">Period</th><th scope="col">Status</th><th scope="col">Items</th><th scope="col">Attempts</th><th scope="col">Created</th><th scope="col">Sent</th><th scope="col">Last error</th><th scope="col">Action</th></tr></thead>
<tbody>${body}</tbody>
</table></div>`;
}

export function adminOutboxPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = signedIn(req);
    const asked = (req.query as Record<string, unknown>).status;
    const status = (STATUSES as readonly string[]).includes(asked as string)
      ? (asked as DigestState)
      : undefined;
    const [rows, counts] = await Promise.all([
      listOutbox(ctx.store.db, { status, limit: 200 }),
      countDigestsByStatus(ctx.store.db),
    ]);
    const body = html`${noticeFor(req.query, NOTICES)}${statusTabs(status, counts)}
${outboxTable(current, status, rows)}`;
    return sendAdmin(reply, current, '/admin/outbox', 'Outbox', body);
  };
}

export function adminRetryDigest(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const id = idOf(req);
    if (!(await requeueFailedDigest(ctx.store.db, id ?? 0)))
      throw notFound(`admin: no failed digest with id ${id ?? '?'} (only failed digests can be retried)`);
    return seeOther(reply, '/admin/outbox?status=queued&done=retried');
  };
}
