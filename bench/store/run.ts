/**
 * `npm run bench:store`: the store alone on SQLite, this checkout against
 * another tree (`--src-from DIR`, whose DIR/src is compiled instead), in
 * one run. Each round starts one process per tree, in alternating order,
 * so a machine shared with other work disturbs both alike; the table gives
 * the median CPU time per operation of each and the spread over rounds.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { buildForBench } from '../build.js';
import type { OperationFigures } from './store-ops.js';

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BUILD_ROOT = path.join(REPO_ROOT, '.bench-results', 'store-build');

const USAGE = `npm run bench:store -- [options]

  --src-from DIR    the tree to compare with (DIR/src); without it only this checkout is measured
  --operations N    operations per kind per process (default 2000, at least 1000)
  --rounds N        processes per tree (default 5)
  --promises        also count the promises each operation creates (one more process per tree)
`;

type Figures = Record<string, OperationFigures>;

function measureOnce(buildDir: string, operations: number, promises: boolean): Figures {
  const script = path.join(buildDir, 'bench', 'store', 'store-ops.js');
  const result = spawnSync(process.execPath, [script, String(operations), promises ? 'promises' : ''], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${script} failed:\n${result.stderr}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1) ?? '{}') as Figures;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** `12.3 (11.9–13.0)`: the median and the range over rounds. */
function spread(values: readonly number[]): string {
  return `${median(values).toFixed(1)} (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      'src-from': { type: 'string' },
      operations: { type: 'string' },
      rounds: { type: 'string' },
      promises: { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const operations = Number(values.operations ?? '2000');
  const rounds = Number(values.rounds ?? '5');
  if (!Number.isInteger(operations) || operations < 1000) throw new RangeError('--operations must be a whole number ≥ 1000 (the warm-up needs that many ids)');
  if (!Number.isInteger(rounds) || rounds < 1) throw new RangeError('--rounds must be a whole number ≥ 1');
  const trees: { readonly name: string; readonly buildDir: string }[] = [];
  if (values['src-from'] !== undefined) {
    const buildDir = path.join(BUILD_ROOT, 'before');
    buildForBench(REPO_ROOT, buildDir, path.resolve(values['src-from']));
    trees.push({ name: 'before', buildDir });
  }
  const afterDir = path.join(BUILD_ROOT, 'after');
  buildForBench(REPO_ROOT, afterDir);
  trees.push({ name: 'after', buildDir: afterDir });

  const runs = new Map<string, Figures[]>(trees.map((tree) => [tree.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? trees : [...trees].reverse();
    for (const tree of order) {
      runs.get(tree.name)!.push(measureOnce(tree.buildDir, operations, false));
      process.stderr.write(`  round ${round + 1}/${rounds}: ${tree.name} done\n`);
    }
  }
  const promiseCounts = new Map<string, Figures>();
  if (values.promises === true) for (const tree of trees) promiseCounts.set(tree.name, measureOnce(tree.buildDir, operations, true));

  const kinds = Object.keys(runs.get('after')![0]!);
  const header = ['operation', ...trees.map((tree) => `${tree.name}: CPU µs/op`), ...trees.map((tree) => `${tree.name}: wall µs/op`)];
  if (trees.length === 2) header.push('CPU change');
  if (values.promises === true) header.push(...trees.map((tree) => `${tree.name}: promises/op`));
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`];
  for (const kind of kinds) {
    const cpu = trees.map((tree) => runs.get(tree.name)!.map((figures) => figures[kind]!.cpuMicros));
    const wall = trees.map((tree) => runs.get(tree.name)!.map((figures) => figures[kind]!.wallMicros));
    const cells = [kind, ...cpu.map(spread), ...wall.map(spread)];
    if (trees.length === 2) cells.push(`${((median(cpu[1]!) / median(cpu[0]!) - 1) * 100).toFixed(0)}%`);
    if (values.promises === true) cells.push(...trees.map((tree) => (promiseCounts.get(tree.name)![kind]!.promises ?? 0).toFixed(1)));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  process.stdout.write(`${operations} operations per kind per process, ${rounds} process(es) per tree; median (min–max over processes)\n${lines.join('\n')}\n`);
}

main();
