#!/usr/bin/env node
// Runs kbwatch in this same process (so signals reach it directly): the compiled build when it
// is fresh, else the TypeScript sources through tsx.
import { join } from 'node:path';
import { builtIsFresh, ROOT } from './launch.js';

if (builtIsFresh()) {
  await import(join(ROOT, 'dist', 'main.js'));
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(join(ROOT, 'src', 'main.ts'));
}
