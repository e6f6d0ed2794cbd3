// Which entry point to run: the compiled dist/main.js when it is newer than every source file,
// else src/main.ts through tsx (a checkout being edited).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

function newest(dir) {
  let max = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    max = Math.max(max, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

export function builtIsFresh() {
  const stamp = join(ROOT, 'dist', '.built');
  return existsSync(stamp) && statSync(stamp).mtimeMs >= newest(join(ROOT, 'src'));
}

/** Node arguments that run kbwatch: [entry] or ['--import', 'tsx', entry]. */
export function entryArgs() {
  return builtIsFresh() ? [join(ROOT, 'dist', 'main.js')] : ['--import', 'tsx', join(ROOT, 'src', 'main.ts')];
}
