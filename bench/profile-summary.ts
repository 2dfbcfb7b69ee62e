/**
 * Summarises a V8 CPU profile (`node --cpu-prof` output): where the server
 * spent its own time, by function and by module, with idle time left out so
 * the percentages are of the time the process was busy.
 *
 *   npx tsx bench/profile-summary.ts <file.cpuprofile> [--top 25]
 */
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number; readonly columnNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface SelfTimeEntry {
  readonly name: string;
  readonly where: string;
  readonly selfMs: number;
  /** Share of the busy (non-idle) time. */
  readonly share: number;
}

export interface ProfileSummary {
  readonly busyMs: number;
  readonly idleMs: number;
  readonly functions: readonly SelfTimeEntry[];
  readonly modules: readonly SelfTimeEntry[];
  /** The project's own functions (src/) by inclusive time: themselves and everything they called. */
  readonly inclusive: readonly SelfTimeEntry[];
}

/** A script URL made short and stable: the repository-relative source path, `pkg:<name>` for dependencies, `node:` for Node's own code. */
function shortLocation(url: string): string {
  if (url === '') return '';
  if (url.startsWith('node:')) return 'node:internal';
  const dependency = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (dependency) return `pkg:${dependency[1]}`;
  const source = /\/((?:src|bench)\/.+)$/.exec(url);
  return source ? source[1]!.replace(/\.js$/, '.ts') : url.replace(/^file:\/\//, '');
}

const sourceMaps = new Map<string, SourceMap | undefined>();

/** The TypeScript line of a frame in the compiled servers (bench/build.ts writes a source map next to each file); 1-based. */
function sourceLine(url: string, lineNumber: number, columnNumber: number): number {
  if (!url.startsWith('file://')) return lineNumber + 1;
  if (!sourceMaps.has(url)) {
    const mapFile = `${fileURLToPath(url)}.map`;
    sourceMaps.set(url, existsSync(mapFile) ? new SourceMap(JSON.parse(readFileSync(mapFile, 'utf8')) as SourceMapPayload) : undefined);
  }
  const entry = sourceMaps.get(url)?.findEntry(lineNumber, columnNumber);
  return entry !== undefined && 'originalLine' in entry ? entry.originalLine + 1 : lineNumber + 1;
}

function moduleOf(location: string, name: string): string {
  if (location === '') return name.startsWith('(') ? name : '(native)';
  return location;
}

function top(map: Map<string, { name: string; where: string; selfMs: number }>, busyMs: number, count: number): SelfTimeEntry[] {
  return [...map.values()]
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, count)
    .map((entry) => ({ ...entry, share: busyMs > 0 ? entry.selfMs / busyMs : 0 }));
}

export function summariseProfile(profile: CpuProfile, count = 20): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfByNode = new Map<number, number>();
  // Each sample is charged the time until the next one (the last sample gets the mean interval).
  const total = profile.timeDeltas.reduce((sum, delta) => sum + delta, 0);
  const mean = profile.samples.length > 0 ? total / profile.samples.length : 0;
  for (let index = 0; index < profile.samples.length; index++) {
    const micros = profile.timeDeltas[index + 1] ?? mean;
    const id = profile.samples[index]!;
    selfByNode.set(id, (selfByNode.get(id) ?? 0) + micros);
  }

  const parents = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parents.set(child, node.id);
  const frameKey = (node: ProfileNode) => {
    const location = shortLocation(node.callFrame.url);
    const line = sourceLine(node.callFrame.url, node.callFrame.lineNumber, node.callFrame.columnNumber);
    return { name: node.callFrame.functionName || '(anonymous)', where: location === '' ? '' : `${location}:${line}`, ours: location.startsWith('src/') };
  };
  // Inclusive time: each sample counts once for every distinct src/ function on its stack (recursion counted once).
  const inclusive = new Map<string, { name: string; where: string; selfMs: number }>();
  for (const [id, micros] of selfByNode) {
    if (nodes.get(id)!.callFrame.functionName === '(idle)') continue;
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const { name, where, ours } = frameKey(nodes.get(current)!);
      const key = `${name} ${where}`;
      if (!ours || seen.has(key)) continue;
      seen.add(key);
      const entry = inclusive.get(key) ?? { name, where, selfMs: 0 };
      entry.selfMs += micros / 1000;
      inclusive.set(key, entry);
    }
  }

  const functions = new Map<string, { name: string; where: string; selfMs: number }>();
  const modules = new Map<string, { name: string; where: string; selfMs: number }>();
  let idleMs = 0;
  let busyMs = 0;
  for (const [id, micros] of selfByNode) {
    const frame = nodes.get(id)!.callFrame;
    const ms = micros / 1000;
    if (frame.functionName === '(idle)') {
      idleMs += ms;
      continue;
    }
    busyMs += ms;
    const location = shortLocation(frame.url);
    const name = frame.functionName || '(anonymous)';
    const where = location === '' ? '' : `${location}:${sourceLine(frame.url, frame.lineNumber, frame.columnNumber)}`;
    const key = `${name} ${where}`;
    const fn = functions.get(key) ?? { name, where, selfMs: 0 };
    fn.selfMs += ms;
    functions.set(key, fn);
    const module = moduleOf(location, name);
    const mod = modules.get(module) ?? { name: module, where: '', selfMs: 0 };
    mod.selfMs += ms;
    modules.set(module, mod);
  }
  return { busyMs, idleMs, functions: top(functions, busyMs, count), modules: top(modules, busyMs, count), inclusive: top(inclusive, busyMs, count) };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function formatSummary(title: string, summary: ProfileSummary): string {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  const lines = [`${title}: busy ${(summary.busyMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s`, '  top self time by function:'];
  for (const entry of summary.functions) lines.push(`    ${pct(entry.share)} ${entry.selfMs.toFixed(0).padStart(7)} ms  ${entry.name}  ${entry.where}`);
  lines.push('  self time by module:');
  for (const entry of summary.modules.slice(0, 12)) lines.push(`    ${pct(entry.share)} ${entry.selfMs.toFixed(0).padStart(7)} ms  ${entry.name}`);
  lines.push('  inclusive time of src/ functions:');
  for (const entry of summary.inclusive.slice(0, 15)) lines.push(`    ${pct(entry.share)} ${entry.selfMs.toFixed(0).padStart(7)} ms  ${entry.name}  ${entry.where}`);
  return lines.join('\n');
}

if (process.argv[1] !== undefined && /profile-summary\.[jt]s$/.test(process.argv[1])) {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string' } } });
  for (const file of positionals) {
    process.stdout.write(`${formatSummary(file.split('/').pop() ?? file, summariseProfile(readProfile(file), Number(values.top ?? '25')))}\n\n`);
  }
}
