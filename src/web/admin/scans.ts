/** GET /admin/scans?days= — the chart of changes per day by kind, and the latest scan runs. */
import type { RouteHandlerMethod } from 'fastify';
import type { Context } from '../../context.ts';
import { changeCountsByDay, recentScans, type RecentScan } from '../../store/scans.ts';
import { html, type SafeHtml } from '../html.ts';
import { sendAdmin, shortTime, signedIn } from './common.ts';
import { CHART_KINDS, changesChart, type DayCounts } from './chart.ts';

const DAY_MS = 86_400_000;

/** Counts per UTC day and kind over the last `days` days (today included), every day present. */
export async function changesPerDay(ctx: Context, days: number): Promise<DayCounts[]> {
  const today = Date.parse(ctx.now().toISOString().slice(0, 10));
  const first = new Date(today - (days - 1) * DAY_MS).toISOString();
  const rows = await changeCountsByDay(ctx.store.db, first);
  const out: DayCounts[] = Array.from({ length: days }, (_, i) => ({
    day: new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10),
    counts: {},
  }));
  const byDay = new Map(out.map((d) => [d.day, d]));
  for (const r of rows) {
    const d = byDay.get(r.day);
    if (d && CHART_KINDS.includes(r.kind)) d.counts[r.kind] = r.n;
  }
  return out;
}

function counts(c: Record<string, number> | null): string {
  if (!c) return '–';
  const parts = Object.entries(c).filter(([, n]) => Number(n) > 0);
  return parts.length ? parts.map(([k, n]) => `${n} ${k}`).join(', ') : 'no changes';
}

function scanRow(s: RecentScan): SafeHtml {
  return html`<tr><td>${s.id}</td><td>${s.source}</td><td>${shortTime(s.startedAt)}</td><td>${shortTime(s.finishedAt)}</td><td>${s.status}</td><td>${counts(s.counts)}</td><td>${s.errors}</td><td class="wrap">${s.message ?? ''}</td></tr>`;
}

function scansTable(scans: RecentScan[]): SafeHtml {
  const rows = scans.length ? scans.map(scanRow) : html`<tr><td colspan="8">No scans yet.</td></tr>`;
  return html`<div class="table-wrap" tabindex="0" role="region" aria-label="Scan runs"><table class="data">
<thead><tr><th scope="col">Run</th><th scope="col">Source</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Status</th><th scope="col">Changes</th><th scope="col">File errors</th><th scope="col">Message</th></tr></thead>
<tbody>${rows}</tbody>
</table></div>`;
}

export function adminScansPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = signedIn(req);
    const daysParam = (req.query as Record<string, unknown>).days;
    const days =
      typeof daysParam === 'string' && /^\d{1,3}$/.test(daysParam)
        ? Math.min(Math.max(Number(daysParam), 7), 365)
        : 30;
    const [perDay, scans] = await Promise.all([changesPerDay(ctx, days), recentScans(ctx.store.db, 100)]);
    const body = html`<h2>Changes per day</h2>
<p>${[7, 30, 90, 365].map((d) => (d === days ? html`<strong>${d} days</strong> ` : html`<a href="/admin/scans?days=${d}">${d} days</a> `))}</p>
${changesChart(perDay, `Changes per day by kind, last ${days} days`)}
<h2>Latest scan runs</h2>
${scansTable(scans)}`;
    return sendAdmin(reply, current, '/admin/scans', 'Scan runs', body);
  };
}
