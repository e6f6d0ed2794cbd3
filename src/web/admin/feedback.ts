/** GET /admin/feedback — the moderation queue; POST /admin/feedback/:id/approve and /reject. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { listPendingFeedback, moderateFeedback } from '../../store/feedback.ts';
import { notFound } from '../errors.ts';
import { html, safeUrl } from '../html.ts';
import { articleHref } from '../view.ts';
import {
  actionButton,
  adminOrLogin,
  adminPost,
  idOf,
  noticeFor,
  seeOther,
  sendAdmin,
  shortTime,
} from './common.ts';

const NOTICES = {
  approved: 'The feedback is approved and shown on its article.',
  rejected: 'The feedback is rejected and will not be shown.',
};

export function adminFeedbackPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = await adminOrLogin(ctx, req, reply);
    if (!current) return reply;
    const pending = await listPendingFeedback(ctx.store.db, { limit: 100 });
    const items = pending.map(
      (f) =>
        html`<li class="feedback-item">
<p><a href="${articleHref({ kb: f.article_kb, path: f.article_path })}">${f.article_kb ? `KB${f.article_kb}: ` : ''}${f.article_title}</a> — ${f.name || 'anonymous'}${f.contact ? html` (${/^https?:/i.test(f.contact) ? html`<a href="${safeUrl(f.contact)}" rel="nofollow noopener">${f.contact}</a>` : f.contact})` : ''}, ${shortTime(f.created_at)}${f.user_id ? ' (signed-in user)' : ''}</p>
<p class="text">${f.body}</p>
${actionButton(current, `/admin/feedback/${f.id}/approve`, 'Approve')} ${actionButton(current, `/admin/feedback/${f.id}/reject`, 'Reject')}
</li>`,
    );
    const body = html`${noticeFor(req.query, NOTICES)}
<p>${pending.length ? `${pending.length} item${pending.length === 1 ? '' : 's'} waiting, oldest first.` : 'Nothing waiting for moderation.'}</p>
<ul class="feedback-list">${items}</ul>`;
    return sendAdmin(reply, current, '/admin/feedback', 'Feedback moderation', body);
  };
}

export function adminModerateFeedback(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    await adminPost(ctx, req);
    const { action } = req.params as { action: string };
    if (action !== 'approve' && action !== 'reject') throw notFound(`admin: no feedback action "${action}"`);
    const id = idOf(req);
    const status = action === 'approve' ? 'approved' : 'rejected';
    if (id === undefined || !(await moderateFeedback(ctx.store.db, id, status)))
      throw notFound(`admin: no feedback with id ${id ?? '?'}`);
    return seeOther(reply, `/admin/feedback?done=${status}`);
  };
}
