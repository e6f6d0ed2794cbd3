// Compiles src/ to dist/ (plain ESM JavaScript: fast start-up without a TypeScript loader),
// copies the static assets and stamps the build so launchers can tell it is fresh.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
rmSync('dist', { recursive: true, force: true });
execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
  stdio: 'inherit',
});
cpSync('src/web/static', 'dist/web/static', { recursive: true });
writeFileSync('dist/.built', new Date().toISOString() + '\n');
