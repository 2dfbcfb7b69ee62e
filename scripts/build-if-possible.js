// `npm start` runs this first. In a clone with the dev dependencies it
// compiles src/ into dist/ (incrementally: quick when nothing changed). A
// production install has no TypeScript: there dist/ must already have been
// built (`npm ci && npm run build && npm prune --omit=dev`), and is used as is.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entryPoint = path.join(root, 'dist', 'cli', 'main.js');

function typescriptCompiler() {
  try {
    return createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

const tsc = typescriptCompiler();
if (tsc !== undefined) {
  const build = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
  process.exit(build.status ?? 1);
}
if (!existsSync(entryPoint)) {
  process.stderr.write(
    'scimitar: dist/ is not built and TypeScript is not installed (a production install).\n' +
      'Build before removing the dev dependencies: npm ci && npm run build && npm prune --omit=dev\n',
  );
  process.exit(1);
}
