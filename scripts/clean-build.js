// `npm pack` and `npm publish` run this: dist/ is emptied first, so the
// tarball holds exactly what the current sources compile to (no output of a
// renamed or deleted file), and the incremental build info cannot make tsc
// skip files it believes are already emitted.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const tsc = createRequire(path.join(root, 'package.json')).resolve('typescript/bin/tsc');
const build = spawnSync(process.execPath, [tsc, '-p', path.join(root, 'tsconfig.build.json')], { stdio: 'inherit' });
process.exit(build.status ?? 1);
