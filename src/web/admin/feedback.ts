/** GET /admin/feedback — the moderation queue; POST /admin/feedback/:id/approve and /reject. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { listPendingFeedback, moderateFeedback } from '../../store/feedback.ts';
import { notFound } from '../errors.ts';
import { html, safeUrl } from '../html.ts';
import { articlePath } from '../urls.ts';
import { actionButton, noticeFor, seeOther, sendAdmin, shortTime, signedIn } from './common.ts';

const NOTICES = {
  approved: 'The feedback is approved and shown on its article.',
  rejected: 'The feedback is rejected and will not be shown.',
};

export function adminFeedbackPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = signedIn(req);
    const pending = await listPendingFeedback(ctx.store.db, { limit: 100 });
    const items = pending.map(
      (f) => html`<li class="feedback-item">
<p><a href="${articlePath({ kb: f.article_kb, path: f.article_path })}">${f.article_kb ? `KB${f.article_kb}: ` : ''}${f.article_title}</a> — ${f.name || 'anonymous'}${f.contact ? html` (${/^https?:/i.test(f.contact) ? html`<a href="${safeUrl(f.contact)}" rel="nofollow noopener">${f.contact}</a>` : f.contact})` : ''}, ${shortTime(f.created_at)}${f.user_id ? ' (signed-in user)' : ''}</p>
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
    const { id, action } = req.params as { id: number; action: 'approve' | 'reject' };
    const status = action === 'approve' ? 'approved' : 'rejected';
    if (!(await moderateFeedback(ctx.store.db, id, status)))
      throw notFound(`admin: no feedback with id ${id}`);
    return seeOther(reply, `/admin/feedback?done=${status}`);
  };
}
