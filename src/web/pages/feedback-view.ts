/**
 * Community feedback on an article page: approved items (text only; a contact is shown only
 * when it is an http(s) URL, never an e-mail address) and the form to leave one.
 */
import type { Feedback } from '../../store/schema.ts';
import { csrfInput } from '../csrf.ts';
import { html, type SafeHtml } from '../html.ts';
import { timeTag } from '../view.ts';

export const FEEDBACK_LIMITS = { body: 4000, name: 100, contact: 300 } as const;

export interface FeedbackValues {
  name: string;
  contact: string;
  body: string;
}

export interface FeedbackFormState {
  values: FeedbackValues;
  error?: { field: keyof FeedbackValues; message: string };
  /** After a post: shown at once, or waiting for moderation. */
  posted?: 'approved' | 'pending';
}

export function publicUrl(contact: string): string | null {
  const c = contact.trim();
  if (!/^https?:\/\/[^\s/?#]+\.[^\s/?#]+/i.test(c)) return null;
  try {
    const u = new URL(c);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function item(f: Feedback): SafeHtml {
  const url = publicUrl(f.contact);
  const name = f.name.trim() || 'Anonymous';
  return html`<li>
<p class="by"><strong>${url ? html`<a href="${url}" rel="nofollow ugc noopener noreferrer">${name}</a>` : name}</strong> · ${timeTag(f.created_at)}</p>
<p class="text">${f.body}</p>
</li>`;
}

function postedNotice(posted: FeedbackFormState['posted']): SafeHtml | '' {
  if (posted === 'approved')
    return html`<div class="notice ok" role="status"><p>Thank you: your feedback is published below.</p></div>`;
  if (posted === 'pending')
    return html`<div class="notice ok" role="status"><p>Thank you: your feedback will appear here once a moderator has read it.</p></div>`;
  return '';
}

function textField(
  state: FeedbackFormState,
  name: 'name' | 'contact',
  label: string,
  hint: string,
): SafeHtml {
  const err = state.error?.field === name ? state.error.message : '';
  return html`<div class="field">
<label for="fb-${name}">${label}</label>
<input id="fb-${name}" name="${name}" type="text" maxlength="${FEEDBACK_LIMITS[name]}" value="${state.values[name]}" aria-describedby="fb-${name}-hint"${err ? html` aria-invalid="true"` : ''}>
<span class="hint" id="fb-${name}-hint">${err ? html`<strong>${err}</strong> ` : ''}${hint}</span>
</div>`;
}

export function feedbackSection(
  items: Feedback[],
  articleId: number,
  csrfToken: string,
  state: FeedbackFormState,
): SafeHtml {
  const bodyErr = state.error?.field === 'body' ? state.error.message : '';
  return html`<section id="feedback" aria-labelledby="feedback-title">
<h2 id="feedback-title">Community feedback</h2>
${postedNotice(state.posted)}
${
  items.length
    ? html`<ol class="feedback-list">${items.map(item)}</ol>`
    : html`<p>Be the first to leave feedback, to help others with this article.</p>`
}
<form class="feedback-form" method="post" action="/feedback">
<h3>Leave feedback</h3>
<p>What worked for you, what did not? Feedback is read by a moderator before it appears, and is not checked for correctness.</p>
${state.error ? html`<div class="notice error" role="alert"><p>${state.error.message}</p></div>` : ''}
${csrfInput(csrfToken)}
<input type="hidden" name="article" value="${articleId}">
<div class="hp" aria-hidden="true"><label for="fb-website">Leave this field empty</label><input id="fb-website" name="website" type="text" tabindex="-1" autocomplete="off"></div>
${textField(state, 'name', 'Name (optional)', 'Shown with your feedback.')}
${textField(state, 'contact', 'Public URL or e-mail (optional)', 'A web address is shown as a link; an e-mail address is never shown.')}
<div class="field">
<label for="fb-body">Comments</label>
<textarea id="fb-body" name="body" rows="6" maxlength="${FEEDBACK_LIMITS.body}" required aria-describedby="fb-body-hint"${bodyErr ? html` aria-invalid="true"` : ''}>${state.values.body}</textarea>
<span class="hint" id="fb-body-hint">${bodyErr ? html`<strong>${bodyErr}</strong> ` : ''}Text only, no HTML; at most ${FEEDBACK_LIMITS.body.toLocaleString('en-US')} characters.</span>
</div>
<button type="submit">Send feedback</button>
</form>
</section>`;
}
