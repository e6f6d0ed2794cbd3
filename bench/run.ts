/**
 * `npm run bench`: every benchmark, each figure beside its target and a baseline measured in
 * the same run. Prints a table and writes bench/results/latest.json (and one file per part).
 * Pick parts with `npm run bench -- ingest search digest web`.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { printTable, type Row } from './lib.ts';

const parts: Record<string, () => Promise<Row[]>> = {
  ingest: async () => (await import('./ingest.ts')).benchIngest(),
  digest: async () => (await import('./digest.ts')).benchDigest(),
  web: async () => (await import('./web.ts')).benchWeb(),
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const rows: Row[] = [];
for (const [name, run] of Object.entries(parts)) {
  if (wanted.length && !wanted.includes(name)) continue;
  console.error(`bench: ${name}…`);
  try {
    const partRows = await run();
    rows.push(...partRows);
    mkdirSync('bench/results', { recursive: true });
    writeFileSync(
      `bench/results/${name}.json`,
      JSON.stringify({ at: new Date().toISOString(), rows: partRows }, null, 2),
    );
  } catch (err) {
    console.error(
      `bench: ${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`,
    );
    rows.push({ figure: `${name} (failed)`, value: NaN, unit: '', target: '', note: String(err) });
  }
}
printTable(rows);
mkdirSync('bench/results', { recursive: true });
const result = {
  at: new Date().toISOString(),
  machine: { cpus: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  rows,
};
writeFileSync('bench/results/latest.json', JSON.stringify(result, null, 2));
console.log('\nwritten bench/results/latest.json');
