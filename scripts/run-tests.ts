/**
 * Runs every `*.test.ts` under src/ and test/ with node:test and ends with one line
 * `N passed, N failed`. A suite that fails on its own (a throw inside `describe`, a failing
 * `before`/`after` hook) counts as a failure, and so does a test file that cannot load; a suite
 * whose tests failed is not counted twice. Every skipped test or suite is named with its reason.
 *
 * Arguments filter the discovered files by substring; an argument naming an existing `.ts` file
 * runs that file even if it is not a `*.test.ts` (the runner's own fixtures use this).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
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

const args = process.argv.slice(2);
const explicit = args.filter((a) => a.endsWith('.ts') && existsSync(a) && statSync(a).isFile());
const filter = args.filter((a) => !explicit.includes(a));
const files =
  explicit.length > 0 && filter.length === 0
    ? explicit
    : [...findTests('src'), ...findTests('test')]
        .filter((f) => filter.length === 0 || filter.some((x) => f.includes(x)))
        .sort();

interface TestEvent {
  name: string;
  file?: string;
  skip?: string | boolean;
  todo?: string | boolean;
  details: { type?: 'suite' | 'test'; error?: { failureType?: string; cause?: unknown } };
}

let passed = 0;
let failed = 0;
const skippedNames: string[] = [];
const failedSuites: string[] = [];

const where = (e: TestEvent) => (e.file ? ` (${relative(process.cwd(), e.file)})` : '');
const onPass = (e: TestEvent) => {
  const reason = e.skip ?? e.todo;
  if (reason !== undefined && reason !== false) {
    const kind = e.details.type === 'suite' ? 'suite' : 'test';
    skippedNames.push(`${kind} "${e.name}"${where(e)}: ${reason === true ? 'no reason given' : reason}`);
    return;
  }
  if (e.details.type !== 'suite') passed++;
};
const onFail = (e: TestEvent) => {
  if (e.details.type === 'suite') {
    // Its failing tests are counted on their own; anything else is the suite's own failure.
    if (e.details.error?.failureType === 'subtestsFailed') return;
    failedSuites.push(`suite "${e.name}"${where(e)}: ${e.details.error?.failureType ?? 'failed'}`);
  }
  failed++;
};

if (files.length === 0) {
  console.error(`no test files match ${args.join(' ')}`);
  process.exit(1);
}
const stream = run({
  files,
  concurrency: Number(process.env.KBWATCH_TEST_CONCURRENCY ?? 2),
  timeout: 20 * 60_000,
});
stream.on('test:pass', (e) => onPass(e as TestEvent));
stream.on('test:fail', (e) => onFail(e as TestEvent));
stream.compose(new spec()).pipe(process.stdout);
stream.once('end', () => {
  setImmediate(() => {
    console.log(`\n${files.length} test files`);
    if (skippedNames.length > 0)
      console.log(`skipped (${skippedNames.length}):\n  ${skippedNames.join('\n  ')}`);
    if (failedSuites.length > 0) console.log(`failed suites or hooks:\n  ${failedSuites.join('\n  ')}`);
    console.log(`${passed} passed, ${failed} failed`);
    process.exitCode = failed > 0 ? 1 : 0;
  });
});
