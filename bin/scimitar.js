#!/usr/bin/env node
// The package's executable: runs the compiled CLI. The published package ships
// dist/ (built by `prepack`). In a clone of the repository dist/ is built on
// first use when TypeScript is installed (afterwards by `npm start` or
// `npm run build`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entryPoint = new URL('../dist/cli/main.js', import.meta.url);
const buildScript = new URL('../scripts/build-if-possible.js', import.meta.url);
if (!existsSync(entryPoint) && existsSync(buildScript)) {
  const build = spawnSync(process.execPath, [fileURLToPath(buildScript)], { stdio: ['ignore', 2, 2] });
  if (build.status !== 0) process.exit(build.status ?? 1);
}
if (!existsSync(entryPoint)) {
  process.stderr.write('scimitar: dist/ is not built: run `npm run build` in the repository first.\n');
  process.exit(1);
}
await import(entryPoint.href);
