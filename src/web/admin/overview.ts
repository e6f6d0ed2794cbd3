/** GET /admin — counts that need attention, with links to each section. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { html } from '../html.ts';
import { sendAdmin, signedIn } from './common.ts';

type Counted = { executeTakeFirstOrThrow(): Promise<{ n: number | string | bigint }> };

async function n(query: Counted): Promise<number> {
  return Number((await query.executeTakeFirstOrThrow()).n);
}

export function adminOverviewPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = signedIn(req);
    const db = ctx.store.db;
    const [articles, sources, failing, users, pending, queued, failed] = await Promise.all([
      n(
        db
          .selectFrom('articles')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('retired', '=', 0),
      ),
      n(
        db
          .selectFrom('sources')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('enabled', '=', 1),
      ),
      n(
        db
          .selectFrom('sources')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('enabled', '=', 1)
          .where('last_error', 'is not', null),
      ),
      n(db.selectFrom('users').select((eb) => eb.fn.countAll<number>().as('n'))),
      n(
        db
          .selectFrom('feedback')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'pending'),
      ),
      n(
        db
          .selectFrom('digests')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'queued'),
      ),
      n(
        db
          .selectFrom('digests')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('status', '=', 'failed'),
      ),
    ]);
    const body = html`<ul class="admin-overview">
<li><a href="/admin/sources">${sources} active sources</a>${failing ? html`, <strong>${failing} failing</strong>` : ''}; ${articles.toLocaleString('en-US')} live articles</li>
<li><a href="/admin/scans">Scan runs and changes per day</a></li>
<li><a href="/admin/outbox">Outbox</a>: ${queued} queued${failed ? html`, <strong>${failed} failed</strong>` : ''}</li>
<li><a href="/admin/feedback">${pending} feedback item${pending === 1 ? '' : 's'} waiting for moderation</a></li>
<li><a href="/admin/users">${users} user${users === 1 ? '' : 's'}</a></li>
</ul>`;
    return sendAdmin(reply, current, '/admin', 'Administration', body);
  };
}
