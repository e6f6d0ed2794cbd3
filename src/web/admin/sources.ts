/** GET /admin/sources — every source with its status, last scan and error, scan-now and remove, and the add form. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { isRemovalGuardMessage } from '../../scan/removal-guard.ts';
import { listSources } from '../../scan/sources.ts';
import type { Source } from '../../store/schema.ts';
import { csrfInput } from '../csrf.ts';
import { html, type SafeHtml } from '../html.ts';
import type { CurrentUser } from '../session.ts';
import { actionButton, noticeFor, sendAdmin, shortTime, signedIn } from './common.ts';
import { scanInProgress } from './scan-now.ts';

export const SOURCE_NOTICES: Record<string, string> = {
  scan: 'The scan has started in the background; reload this page to follow it.',
  'scan-removals':
    'The scan has started in the background, its removals allowed; reload this page to follow it.',
  busy: 'A scan of this source is already running.',
  added: 'The source was added. Start its first scan with "Scan now".',
  removed: 'The source was removed; its articles stay in the archive, retired.',
};

function status(s: Source, scanning: boolean): string {
  if (s.enabled !== 1) return 'disabled';
  if (scanning) return 'scanning…';
  if (!s.last_scan_at) return 'never scanned';
  return s.last_error ? `failing (${s.error_count}×)` : 'ok';
}

/** "Scan now", and "Allow removals" once the removal guard stopped the source's last scan. */
function scanButtons(current: CurrentUser, s: Source, scanning: boolean): SafeHtml | '' {
  if (s.enabled !== 1 || scanning) return '';
  const action = `/admin/sources/${s.id}/scan`;
  const allow = isRemovalGuardMessage(s.last_error)
    ? html`
${actionButton(current, action, 'Allow removals', html`<input type="hidden" name="allowRemovals" value="1">`)}`
    : '';
  return html`${actionButton(current, action, 'Scan now')}${allow}`;
}

function row(current: CurrentUser, s: Source, scanning: boolean): SafeHtml {
  const id = s.id;
  return html`<tr>
<th scope="row">${s.name}</th>
<td>${s.kind}</td>
<td class="wrap">${s.location}</td>
<td>${status(s, scanning)}</td>
<td>${shortTime(s.last_scan_at)}</td>
<td>${shortTime(s.last_success_at)}</td>
<td class="wrap">${s.last_error ?? '–'}</td>
<td>${scanButtons(current, s, scanning)}
${s.enabled === 1 ? actionButton(current, `/admin/sources/${id}/remove`, 'Remove') : ''}</td>
</tr>`;
}

export interface AddSourceValues {
  kind?: string;
  name?: string;
  location?: string;
  path?: string;
  error?: string;
}

export function addSourceForm(current: CurrentUser, v: AddSourceValues = {}): SafeHtml {
  return html`<h2 id="add-source">Add a source</h2>
${v.error ? html`<p class="error" role="alert">${v.error}</p>` : ''}
<form method="post" action="/admin/sources" aria-labelledby="add-source">
${csrfInput(current.csrf)}
<div class="field-row">
<div class="field"><label for="s-kind">Kind</label><select id="s-kind" name="kind">
<option value="git"${v.kind !== 'classic' ? html` selected` : ''}>git (Markdown, MicrosoftDocs layout)</option>
<option value="classic"${v.kind === 'classic' ? html` selected` : ''}>classic (KB text files: directory or tar)</option>
</select></div>
<div class="field"><label for="s-name">Name</label><input id="s-name" name="name" type="text" value="${v.name ?? ''}" maxlength="64"><span class="hint">Optional: letters, digits, '.', '_' or '-'.</span></div>
</div>
<div class="field"><label for="s-location">Location</label><input id="s-location" name="location" type="text" value="${v.location ?? ''}" required maxlength="1000"><span class="hint">git: an https, ssh or file URL; classic: a directory or tar archive on the server.</span></div>
<div class="field"><label for="s-path">Folder (git)</label><input id="s-path" name="path" type="text" value="${v.path ?? ''}" maxlength="200"><span class="hint">Folder holding the articles, e.g. support/; empty for the whole repository.</span></div>
<button type="submit">Add source</button>
</form>`;
}

export async function renderSources(
  ctx: Context,
  reply: Parameters<RouteHandlerMethod>[1],
  current: CurrentUser,
  notice: SafeHtml | '',
  form: AddSourceValues = {},
  status = 200,
) {
  const sources = await listSources(ctx);
  const scanning = await Promise.all(sources.map((s) => scanInProgress(ctx, s.id)));
  const body = html`${notice}
<div class="table-wrap" tabindex="0" role="region" aria-label="Sources"><table class="data">
<caption>Sources, scanned on schedule and on demand</caption>
<thead><tr><th scope="col">Name</th><th scope="col">Kind</th><th scope="col">Location</th><th scope="col">Status</th><th scope="col">Last scan</th><th scope="col">Last success</th><th scope="col">Last error</th><th scope="col">Actions</th></tr></thead>
<tbody>${sources.length ? sources.map((s, i) => row(current, s, scanning[i])) : html`<tr><td colspan="8">No sources yet.</td></tr>`}</tbody>
</table></div>
${addSourceForm(current, form)}`;
  return sendAdmin(reply, current, '/admin/sources', 'Sources', body, status);
}

export function adminSourcesPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = signedIn(req);
    return renderSources(ctx, reply, current, noticeFor(req.query, SOURCE_NOTICES));
  };
}
