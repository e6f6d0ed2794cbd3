/** The account page: subscriptions with their buttons, forms to add more, digest settings. */
import type { FastifyReply } from 'fastify';
import type { Context } from '../../context.ts';
import { listSubscriptions } from '../../accounts/subscriptions.ts';
import { knownTimeZones, LIMITS } from '../../accounts/validate.ts';
import type { SubscriptionView } from '../../store/subscriptions.ts';
import type { User } from '../../store/schema.ts';
import { html, type SafeHtml } from '../html.ts';
import { csrfInput } from '../csrf.ts';
import type { CurrentUser } from '../session.ts';
import { errorBox, noticeBox, sendPage } from '../form.ts';

/** Messages shown after a redirect (`?done=`): fixed texts, nothing from the URL is echoed. */
export const NOTICES: Record<string, string> = {
  settings: 'Your digest settings are saved.',
  subscribed: 'Subscribed.',
  already: 'You were already subscribed to that.',
  pause: 'Subscription paused: it is left out of your digests until you resume it.',
  resume: 'Subscription resumed.',
  mute: 'Subscription muted.',
  unmute: 'Subscription unmuted.',
  delete: 'Subscription deleted.',
  email: 'We sent a confirmation link to the new address. Your address changes when you follow it.',
  'email-changed': 'Your e-mail address is changed.',
};

export interface AccountViewOptions {
  status?: number;
  notice?: string;
  error?: string;
  /** Values to put back into the add forms after an error. */
  technology?: string;
  query?: string;
}

function state(s: SubscriptionView): string {
  const parts = [s.paused ? 'paused' : 'active', ...(s.muted ? ['muted'] : [])];
  return parts.join(', ');
}

function button(csrf: string, s: SubscriptionView, action: string, label: string): SafeHtml {
  return html`<form class="inline" method="post" action="/account/subscriptions/${s.id}/${action}">${csrfInput(csrf)}<button type="submit">${label}</button></form>`;
}

function subscriptionRows(csrf: string, subs: SubscriptionView[]): SafeHtml {
  if (subs.length === 0) return html`<p>You follow nothing yet: add a technology or a search below.</p>`;
  const rows = subs.map(
    (s) => html`<tr>
<td>${s.kind === 'technology' ? html`Technology: <a href="/tech/${s.technology_slug ?? ''}">${s.technology_name ?? s.technology_slug ?? '(removed)'}</a>` : html`Search: <code>${s.query ?? ''}</code>`}</td>
<td>${state(s)}</td>
<td>${s.paused ? button(csrf, s, 'resume', 'Resume') : button(csrf, s, 'pause', 'Pause')} ${s.muted ? button(csrf, s, 'unmute', 'Unmute') : button(csrf, s, 'mute', 'Mute')} ${button(csrf, s, 'delete', 'Delete')}</td>
</tr>`,
  );
  return html`<table class="subscriptions"><thead><tr><th scope="col">What</th><th scope="col">State</th><th scope="col">Change</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function settingsForm(csrf: string, user: User): SafeHtml {
  const hours = Array.from(
    { length: 24 },
    (_, h) =>
      html`<option value="${h}"${h === user.digest_hour ? html` selected` : ''}>${String(h).padStart(2, '0')}:00</option>`,
  );
  const zones = knownTimeZones().map((z) => html`<option value="${z}"></option>`);
  return html`<form method="post" action="/account/settings">
${csrfInput(csrf)}
<p><label for="digestHour">Send my digest at</label> <select id="digestHour" name="digestHour">${hours}</select>
<label for="timeZone">time zone</label> <input id="timeZone" name="timeZone" list="zones" required maxlength="${LIMITS.timeZoneMax}" value="${user.time_zone}"><datalist id="zones">${zones}</datalist></p>
<fieldset><legend>How often</legend>
<label><input type="radio" name="cadence" value="daily"${user.cadence === 'daily' ? html` checked` : ''}> Daily</label>
<label><input type="radio" name="cadence" value="weekly"${user.cadence === 'weekly' ? html` checked` : ''}> Weekly</label>
</fieldset>
<p><label><input type="checkbox" name="includeMinor" value="1"${user.include_minor ? html` checked` : ''}> Include minor updates (small wording edits)</label></p>
<p><button type="submit">Save settings</button></p>
</form>`;
}

export async function renderAccount(
  ctx: Context,
  reply: FastifyReply,
  current: CurrentUser,
  opts: AccountViewOptions = {},
): Promise<FastifyReply> {
  const { user, csrf } = current;
  const subs = await listSubscriptions(ctx, user.id);
  const body = html`<h1>Your account</h1>
${noticeBox(opts.notice)}
${errorBox(opts.error)}
<section aria-labelledby="subs"><h2 id="subs">What you follow</h2>
${subscriptionRows(csrf, subs)}
<form method="post" action="/account/subscriptions">
${csrfInput(csrf)}
<p><label for="technology">Follow a technology</label> <input id="technology" name="technology" required maxlength="${LIMITS.technologyMax}" placeholder="Windows Server 2019, kbWinsock…" value="${opts.technology ?? ''}"> <button type="submit">Follow</button></p>
</form>
<form method="post" action="/account/subscriptions">
${csrfInput(csrf)}
<p><label for="query">Follow a search</label> <input id="query" name="query" required maxlength="${LIMITS.queryMax}" placeholder='exchange "mailbox move" -online' value="${opts.query ?? ''}"> <button type="submit">Follow</button></p>
</form>
</section>
<section aria-labelledby="digest"><h2 id="digest">Digest</h2>
${settingsForm(csrf, user)}
</section>
<section aria-labelledby="you"><h2 id="you">Your address</h2>
<p>Mail goes to <strong>${user.email}</strong>. <a href="/account/email">Change address</a></p>
<form method="post" action="/logout">${csrfInput(csrf)}<button type="submit">Log out</button></form>
<p><a href="/account/delete">Delete my account</a></p>
</section>`;
  return sendPage(reply, opts.status ?? 200, 'Your account', body, current);
}
