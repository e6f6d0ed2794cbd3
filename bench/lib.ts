/** Shared pieces of the benchmarks: rows, medians, child-process measurements. */
import { spawn } from 'node:child_process';

export interface Row {
  figure: string;
  dialect?: string;
  value: number;
  unit: string;
  /** e.g. ">= 1000" or "<= 60". */
  target: string;
  baseline?: string;
  baselineValue?: number;
  note?: string;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function percentile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

export function meets(row: Row): boolean | undefined {
  const m = /^(>=|<=)\s*([\d.]+)/.exec(row.target);
  if (!m) return undefined;
  return m[1] === '>=' ? row.value >= Number(m[2]) : row.value <= Number(m[2]);
}

/** Runs a bench worker task in its own process (so its peak RSS is its own) and returns its JSON. */
export async function inChild<T>(task: string, args: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/worker.ts', task, JSON.stringify(args)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`bench: ${task} exited with ${code}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').pop()!) as T);
      } catch (err) {
        reject(new Error(`bench: ${task} printed no result: ${out.slice(-500)} ${String(err)}`));
      }
    });
  });
}

export function printTable(rows: Row[]): void {
  const head = ['figure', 'db', 'value', 'target', 'met', 'baseline'];
  const body = rows.map((r) => [
    r.figure,
    r.dialect ?? '',
    `${fmt(r.value)} ${r.unit}`,
    r.target,
    meets(r) === undefined ? '' : meets(r) ? 'yes' : 'NO',
    r.baseline ? `${r.baseline}: ${r.baselineValue === undefined ? '' : fmt(r.baselineValue)}` : '',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cells: string[]) => '| ' + cells.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |';
  console.log(line(head));
  console.log('|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|');
  for (const b of body) console.log(line(b));
}

function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toFixed(3);
}
