/**
 * A server-rendered SVG bar chart of changes per day, stacked by kind, with a legend, a title
 * and description, and a <title> per bar segment for screen readers and tooltips. Colours are
 * presentation attributes, so the page's CSP needs no inline styles.
 */
import { html, type SafeHtml } from '../html.ts';

export const CHART_KINDS = ['new', 'updated', 'metadata', 'moved', 'removed'] as const;
export type ChartKind = (typeof CHART_KINDS)[number];

export const KIND_COLOURS: Record<ChartKind, string> = {
  new: '#1a7f37',
  updated: '#0969da',
  metadata: '#8c959f',
  moved: '#bf8700',
  removed: '#cf222e',
};

export interface DayCounts {
  /** YYYY-MM-DD */
  day: string;
  counts: Partial<Record<ChartKind, number>>;
}

const WIDTH = 760;
const HEIGHT = 260;
const PAD = { top: 16, right: 12, bottom: 56, left: 48 };

/** A round axis maximum at or above `n`: 1, 2, 5, 10, 20, 50, … */
export function niceMax(n: number): number {
  if (n <= 1) return 1;
  const pow = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 5, 10]) if (step * pow >= n) return step * pow;
  return 10 * pow;
}

const plural = (n: number, kind: string) => `${n.toLocaleString('en-US')} ${kind}`;

const dayTotal = (d: DayCounts) => CHART_KINDS.reduce((sum, k) => sum + (d.counts[k] ?? 0), 0);

/** Where things go: the axis maximum, the width of a day's slot and bar, the y of a value. */
interface Layout {
  max: number;
  slot: number;
  barW: number;
  labelEvery: number;
  y(v: number): number;
}

function layout(days: DayCounts[]): Layout {
  const max = niceMax(Math.max(0, ...days.map(dayTotal)));
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const slot = plotW / Math.max(days.length, 1);
  return {
    max,
    slot,
    barW: Math.max(1, Math.min(28, slot * 0.75)),
    labelEvery: Math.max(1, Math.ceil(days.length / 8)),
    y: (v) => PAD.top + plotH - (v / max) * plotH,
  };
}

/** One day: its kinds stacked, and every few days the date below. */
function dayBar(d: DayCounts, i: number, l: Layout): SafeHtml {
  const x = PAD.left + i * l.slot + (l.slot - l.barW) / 2;
  let base = 0;
  const segments = CHART_KINDS.filter((k) => (d.counts[k] ?? 0) > 0).map((k) => {
    const n = d.counts[k]!;
    const top = l.y(base + n);
    const h = l.y(base) - top;
    base += n;
    return html`<rect class="bar ${k}" data-kind="${k}" x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${l.barW.toFixed(1)}" height="${Math.max(h, 0.5).toFixed(1)}" fill="${KIND_COLOURS[k]}"><title>${d.day}: ${plural(n, k)}</title></rect>`;
  });
  const label =
    i % l.labelEvery === 0
      ? html`<text x="${(x + l.barW / 2).toFixed(1)}" y="${HEIGHT - PAD.bottom + 14}" text-anchor="middle" font-size="10">${d.day.slice(5)}</text>`
      : '';
  return html`<g>${segments}${label}</g>`;
}

function legend(totals: Record<ChartKind, number>): SafeHtml[] {
  return CHART_KINDS.map((k, i) => {
    const x = PAD.left + i * 140;
    return html`<g class="legend-item"><rect x="${x}" y="${HEIGHT - 22}" width="12" height="12" fill="${KIND_COLOURS[k]}"/><text x="${x + 16}" y="${HEIGHT - 12}" font-size="12">${k} (${totals[k].toLocaleString('en-US')})</text></g>`;
  });
}

export function changesChart(days: DayCounts[], title: string): SafeHtml {
  const totals = Object.fromEntries(
    CHART_KINDS.map((k) => [k, days.reduce((sum, d) => sum + (d.counts[k] ?? 0), 0)]),
  ) as Record<ChartKind, number>;
  const l = layout(days);
  const desc = `${days.length} days from ${days[0]?.day ?? '–'} to ${days.at(-1)?.day ?? '–'}: ${CHART_KINDS.map((k) => plural(totals[k], k)).join(', ')}.`;
  return html`<svg class="changes-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="100%" role="img" aria-labelledby="chart-title chart-desc">
<title id="chart-title">${title}</title>
<desc id="chart-desc">${desc}</desc>
<line x1="${PAD.left}" y1="${l.y(0)}" x2="${WIDTH - PAD.right}" y2="${l.y(0)}" stroke="#57606a"/>
<line x1="${PAD.left}" y1="${PAD.top}" x2="${PAD.left}" y2="${l.y(0)}" stroke="#57606a"/>
<text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end" font-size="11">${l.max.toLocaleString('en-US')}</text>
<text x="${PAD.left - 6}" y="${l.y(0)}" text-anchor="end" font-size="11">0</text>
${days.map((d, i) => dayBar(d, i, l))}
<g class="legend">${legend(totals)}</g>
</svg>`;
}
