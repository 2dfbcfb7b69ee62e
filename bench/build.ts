/**
 * Compiles the server sources and the bench's server entries to plain
 * JavaScript, so that every server runs on bare `node`: a TypeScript loader
 * in the server process would add its own thread and memory to the RSS
 * being measured, and its frames to the profiles. Each file is transpiled
 * on its own (no type check: `npm run typecheck` does that), with the
 * compiler the project builds with, so the output matches `npm run build`.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';


function typescriptFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'fixtures' && entry.name !== 'results') files.push(...typescriptFiles(full));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) {
      files.push(full);
    }
  }
  return files;
}

/**
 * Compiles `src/` and `bench/` into `outDir` (emptied first); `outDir/bench/servers/hello.js`
 * is then runnable. `srcFrom` names another directory whose `src/` is compiled instead of
 * the checkout's: a proposed change is measured on a copy, never in the working tree.
 */
export function buildForBench(repoRoot: string, outDir: string, srcFrom: string = repoRoot): { readonly outDir: string; readonly files: number } {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  // The output sits outside the folders whose package.json says "type": "module" only by accident of layout; say it here too.
  writeFileSync(path.join(outDir, 'package.json'), '{ "type": "module" }\n');
  const compilerOptions: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ES2022,
    verbatimModuleSyntax: true,
    sourceMap: true,
  };
  let files = 0;
  for (const [root, base] of [['src', srcFrom], ['bench', repoRoot]] as const) {
    for (const file of typescriptFiles(path.join(base, root))) {
      const relative = path.relative(base, file);
      const target = path.join(outDir, relative.replace(/\.ts$/, '.js'));
      const output = ts.transpileModule(readFileSync(file, 'utf8'), { compilerOptions, fileName: relative, reportDiagnostics: false });
      mkdirSync(path.dirname(target), { recursive: true });
      writeFileSync(target, output.outputText.replace(/\/\/# sourceMappingURL=.*$/m, `//# sourceMappingURL=${path.basename(target)}.map`));
      if (output.sourceMapText !== undefined) writeFileSync(`${target}.map`, output.sourceMapText);
      files++;
    }
  }
  return { outDir, files };
}
