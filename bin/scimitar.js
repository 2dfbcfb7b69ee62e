#!/usr/bin/env node
// The package's executable: runs the compiled CLI. The published package ships
// dist/ (built by `prepack`); in a clone of the repository, `npm run build` (or
// `npm start`, which builds first) makes it.
import { existsSync } from 'node:fs';

const entryPoint = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(entryPoint)) {
  process.stderr.write('scimitar: dist/ is not built: run `npm run build` in the repository first.\n');
  process.exit(1);
}
await import(entryPoint.href);
