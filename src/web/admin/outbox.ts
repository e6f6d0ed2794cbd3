/** GET /admin/outbox?status= — digests by status; POST /admin/outbox/:id/retry puts a failed one back in the queue. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { listOutbox } from '../../deliver/outbox.ts';
import type { Digest } from '../../store/schema.ts';
import { notFound } from '../errors.ts';
import { html } from '../html.ts';
import { actionButton, idOf, noticeFor, seeOther, sendAdmin, shortTime, signedIn } from './common.ts';

const STATUSES = ['queued', 'sending', 'sent', 'failed', 'suppressed'] as const;
const NOTICES = { retried: 'The digest is queued again; the next delivery run sends it.' };

async function countsByStatus(ctx: Context): Promise<Map<string, number>> {
  const rows = await ctx.store.db
    .selectFrom('digests')
    .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  return new Map(rows.map((r) => [r.status, Number(r.n)]));
}

export function adminOutboxPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = signedIn(req);
    const asked = (req.query as Record<string, unknown>).status;
    const status = (STATUSES as readonly string[]).includes(asked as string)
      ? (asked as Digest['status'])
      : undefined;
    const [rows, counts] = await Promise.all([
      listOutbox(ctx.store.db, { status, limit: 200 }),
      countsByStatus(ctx),
    ]);
    const tabs = html`<ul class="tabs">
      <li><a href="/admin/outbox" ${status ? '' : html` aria-current="page"`}>All</a></li>
      ${STATUSES.map((s) => html`<li><a href="/admin/outbox?status=${s}" ${s === status ? html` aria-current="page"` : ''}>${s} (${counts.get(s) ?? 0})</a></li>`)}
    </ul>`;
    const body = html`${noticeFor(req.query, NOTICES)}${tabs}
      <div class="table-wrap" tabindex="0" role="region" aria-label="Outbox">
        <table class="data">
          <caption>
            ${status ? `Digests ${status}` : 'All digests'}, newest first
          </caption>
          <thead>
            <tr>
              <th scope="col">Digest</th>
              <th scope="col">To</th>
              <th scope="col">Period</th>
              <th scope="col">Status</th>
              <th scope="col">Items</th>
              <th scope="col">Attempts</th>
              <th scope="col">Created</th>
              <th scope="col">Sent</th>
              <th scope="col">Last error</th>
              <th scope="col">Action</th>
            </tr>
          </thead>
          <tbody>
            ${
              rows.length
                ? rows.map(
                    (d) =>
                      html`<tr>
                        <td>${d.id}</td>
                        <td>${d.user}</td>
                        <td>${d.period}</td>
                        <td>${d.status}</td>
                        <td>${d.items}</td>
                        <td>${d.attempts}</td>
                        <td>${shortTime(d.createdAt)}</td>
                        <td>${shortTime(d.sentAt)}</td>
                        <td class="wrap">${d.lastError ?? ''}</td>
                        <td>
                          ${d.status === 'failed' ? actionButton(current, `/admin/outbox/${d.id}/retry`, 'Retry') : ''}
                        </td>
                      </tr>`,
                  )
                : html`<tr>
                    <td colspan="10">Nothing here.</td>
                  </tr>`
            }
          </tbody>
        </table>
      </div>`;
    return sendAdmin(reply, current, '/admin/outbox', 'Outbox', body);
  };
}

export function adminRetryDigest(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const id = idOf(req);
    const result = await ctx.store.db
      .updateTable('digests')
      .set({ status: 'queued', attempts: 0, next_attempt_at: null, lease_until: null })
      .where('id', '=', id ?? 0)
      .where('status', '=', 'failed')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0)
      throw notFound(`admin: no failed digest with id ${id ?? '?'} (only failed digests can be retried)`);
    return seeOther(reply, '/admin/outbox?status=queued&done=retried');
  };
}
