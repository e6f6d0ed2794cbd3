/**
 * Runs every `*.test.ts` under src/ and test/ with node:test and ends with one line
 * `N passed, N failed` (skipped tests are counted and named separately).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { run } from 'node:test';
import { spec } from 'node:test/reporters';

function findTests(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) findTests(p, out);
    else if (name.endsWith('.test.ts')) out.push(p);
  }
  return out;
}

const filter = process.argv.slice(2);
const files = [...findTests('src'), ...findTests('test')]
  .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
  .sort();

let passed = 0;
let failed = 0;
let skipped = 0;
const stream = run({
  files,
  concurrency: Number(process.env.KBWATCH_TEST_CONCURRENCY ?? 2),
  timeout: 20 * 60_000,
});
stream.on('test:pass', (e) => {
  if (e.details.type === 'suite') return;
  if (e.skip || e.todo) skipped++;
  else passed++;
});
stream.on('test:fail', (e) => {
  if (e.details.type === 'suite') return;
  failed++;
});
stream.compose(new spec()).pipe(process.stdout);
stream.once('end', () => {
  setImmediate(() => {
    console.log(`\n${files.length} test files, ${skipped} tests skipped`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed > 0 ? 1 : 0;
  });
});
