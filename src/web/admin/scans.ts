/** GET /admin/scans?days= — the chart of changes per day by kind, and the latest scan runs. */
import type { RouteHandlerMethod } from 'fastify';
import { sql } from 'kysely';
import type { Context } from '../../context.ts';
import { html } from '../html.ts';
import { sendAdmin, shortTime, signedIn } from './common.ts';
import { CHART_KINDS, changesChart, type ChartKind, type DayCounts } from './chart.ts';

const DAY_MS = 86_400_000;

/** Counts per UTC day and kind over the last `days` days (today included), every day present. */
export async function changesPerDay(ctx: Context, days: number): Promise<DayCounts[]> {
  const today = Date.parse(ctx.now().toISOString().slice(0, 10));
  const first = new Date(today - (days - 1) * DAY_MS).toISOString();
  const rows = await sql<{
    day: string;
    kind: ChartKind;
    n: number;
  }>`SELECT substr(detected_at, 1, 10) AS day, kind, COUNT(*) AS n
    FROM changes WHERE detected_at >= ${first} GROUP BY substr(detected_at, 1, 10), kind`.execute(
    ctx.store.db,
  );
  const out: DayCounts[] = Array.from({ length: days }, (_, i) => ({
    day: new Date(today - (days - 1 - i) * DAY_MS).toISOString().slice(0, 10),
    counts: {},
  }));
  const byDay = new Map(out.map((d) => [d.day, d]));
  for (const r of rows.rows) {
    const d = byDay.get(r.day);
    if (d && (CHART_KINDS as readonly string[]).includes(r.kind)) d.counts[r.kind] = Number(r.n);
  }
  return out;
}

function counts(text: string): string {
  try {
    const c = JSON.parse(text) as Record<string, number>;
    const parts = Object.entries(c).filter(([, n]) => Number(n) > 0);
    return parts.length ? parts.map(([k, n]) => `${n} ${k}`).join(', ') : 'no changes';
  } catch {
    return '–';
  }
}

export function adminScansPage(ctx: Context): RouteHandlerMethod {
  return async (req, reply) => {
    const current = signedIn(req);
    const daysParam = (req.query as Record<string, unknown>).days;
    const days =
      typeof daysParam === 'string' && /^\d{1,3}$/.test(daysParam)
        ? Math.min(Math.max(Number(daysParam), 7), 365)
        : 30;
    const [perDay, scans] = await Promise.all([
      changesPerDay(ctx, days),
      ctx.store.db
        .selectFrom('scans as s')
        .innerJoin('sources as src', 'src.id', 's.source_id')
        .select([
          's.id',
          'src.name as source',
          's.started_at',
          's.finished_at',
          's.status',
          's.counts',
          's.message',
          's.to_ref',
        ])
        .select((eb) =>
          eb
            .selectFrom('scan_errors as e')
            .whereRef('e.scan_id', '=', 's.id')
            .select((e) => e.fn.countAll<number>().as('n'))
            .as('errors'),
        )
        .orderBy('s.id', 'desc')
        .limit(100)
        .execute(),
    ]);
    const body = html`<h2>Changes per day</h2>
<p>${[7, 30, 90, 365].map((d) => (d === days ? html`<strong>${d} days</strong> ` : html`<a href="/admin/scans?days=${d}">${d} days</a> `))}</p>
${changesChart(perDay, `Changes per day by kind, last ${days} days`)}
<h2>Latest scan runs</h2>
<div class="table-wrap" tabindex="0" role="region" aria-label="Scan runs"><table class="data">
<thead><tr><th scope="col">Run</th><th scope="col">Source</th><th scope="col">Started</th><th scope="col">Finished</th><th scope="col">Status</th><th scope="col">Changes</th><th scope="col">File errors</th><th scope="col">Message</th></tr></thead>
<tbody>${
      scans.length
        ? scans.map(
            (s) =>
              html`<tr><td>${s.id}</td><td>${s.source}</td><td>${shortTime(s.started_at)}</td><td>${shortTime(s.finished_at)}</td><td>${s.status}</td><td>${counts(s.counts)}</td><td>${Number(s.errors ?? 0)}</td><td class="wrap">${s.message ?? ''}</td></tr>`,
          )
        : html`<tr><td colspan="8">No scans yet.</td></tr>`
    }</tbody>
</table></div>`;
    return sendAdmin(reply, current, '/admin/scans', 'Scan runs', body);
  };
}
