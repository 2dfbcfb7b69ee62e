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
  /** Busy time by part of the request path (see CATEGORY_RULES), largest first. */
  readonly categories: readonly SelfTimeEntry[];
}

/**
 * The parts of the request path the busy time is split into. A sample is
 * charged to the innermost project function (src/) on its stack, by the
 * rules below, with what it called: JSON.parse of a stored row is charged to
 * the store, an HMAC to authentication (V8 shows no frame for builtins or
 * for better-sqlite3's native code, whose time is the self time of the
 * JavaScript that called them). Time under Fastify on the way there (a route
 * handler's reply.send, the socket writes it leads to) is Fastify's or
 * Node's, not the handler's. A few dependency functions have a part of their own.
 */
const PROJECT_RULES: readonly { readonly category: string; readonly matches: (location: string) => boolean }[] = [
  { category: 'authentication (HMAC, token lookup)', matches: (location) => location.startsWith('src/auth/') },
  { category: 'rate limiting', matches: (location) => location.startsWith('src/tenancy/') },
  { category: 'projection (attributes / excludedAttributes, copies)', matches: (location) => location.startsWith('src/core/projection/') },
  { category: 'render (SCIM representation, meta)', matches: (location) => location === 'src/services/resources/render.ts' },
  { category: 'filter parsing and SQL compilation', matches: (location) => location.startsWith('src/store/sql/') || location.startsWith('src/core/filter/') },
  { category: 'database (SQLite statements / PostgreSQL round trips, row decoding)', matches: (location) => location.startsWith('src/store/') },
  { category: 'PATCH, validation, normalisation', matches: (location) => location.startsWith('src/core/patch/') || location.startsWith('src/core/resource/') },
  { category: 'protocol core (other)', matches: (location) => location.startsWith('src/core/') },
  { category: 'SCIM HTTP adapter (routes, hooks)', matches: (location) => location.startsWith('src/http/') },
  { category: 'services (other)', matches: (location) => location.startsWith('src/services/') },
  { category: 'application (other)', matches: (location) => location.startsWith('src/') || location.startsWith('bench/') },
];

const GC = 'garbage collection';
const RUNTIME = 'V8 and the event loop (program, microtasks)';
const FASTIFY = 'Fastify (routing, hooks, reply)';
const NODE_HTTP = 'Node HTTP and sockets';

function namedCategory(location: string, name: string, isLeaf: boolean): string | undefined {
  if (name === '(garbage collector)') return GC;
  // runMicrotasks is below every async continuation: only its own time is the runtime's.
  if (isLeaf && location === '' && (name === '(program)' || name === '(root)' || name === 'runMicrotasks')) return RUNTIME;
  if (location === 'pkg:fastify' && name === 'serialize') return 'JSON serialisation of responses';
  if (location === 'pkg:secure-json-parse') return 'JSON parsing of request bodies';
  if (location === 'pkg:pino' || location.startsWith('pkg:pino-')) return 'logging';
  return undefined;
}

/** Dependencies that are the HTTP stack: time under them is theirs even when a route handler called them. */
function isHttpStack(location: string): boolean {
  return location === 'pkg:fastify' || location === 'pkg:find-my-way' || location === 'pkg:light-my-request' || location === 'pkg:avvio';
}

/** Module loading and compilation: before the first request, but inside the profile. */
function isStartUp(url: string): boolean {
  return url.startsWith('node:internal/modules/') || url.startsWith('node:internal/bootstrap/');
}

function categoryOf(frames: readonly { readonly location: string; readonly name: string; readonly url: string }[]): string {
  if (frames.some((frame) => isStartUp(frame.url))) return 'start-up (module loading, not per request)';
  let underHttpStack = false;
  for (const [index, frame] of frames.entries()) {
    const named = namedCategory(frame.location, frame.name, index === 0);
    if (named !== undefined) return named;
    if (isHttpStack(frame.location)) underHttpStack = true;
    if (frame.location.startsWith('src/') || frame.location.startsWith('bench/')) {
      if (underHttpStack) break;
      for (const rule of PROJECT_RULES) if (rule.matches(frame.location)) return rule.category;
    }
  }
  const leaf = frames[0];
  if (leaf !== undefined && (leaf.location === 'node:internal' || leaf.location === '')) return NODE_HTTP;
  return underHttpStack ? FASTIFY : leaf !== undefined && leaf.location.startsWith('pkg:') ? `dependency ${leaf.location.slice(4)}` : 'other';
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

  const categories = new Map<string, { name: string; where: string; selfMs: number }>();
  for (const [id, micros] of selfByNode) {
    if (nodes.get(id)!.callFrame.functionName === '(idle)') continue;
    const frames: { location: string; name: string; url: string }[] = [];
    for (let current: number | undefined = id; current !== undefined; current = parents.get(current)) {
      const frame = nodes.get(current)!.callFrame;
      frames.push({ location: shortLocation(frame.url), name: frame.functionName, url: frame.url });
    }
    const name = categoryOf(frames);
    const entry = categories.get(name) ?? { name, where: '', selfMs: 0 };
    entry.selfMs += micros / 1000;
    categories.set(name, entry);
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
  return {
    busyMs,
    idleMs,
    functions: top(functions, busyMs, count),
    modules: top(modules, busyMs, count),
    inclusive: top(inclusive, busyMs, count),
    categories: top(categories, busyMs, 30),
  };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function formatSummary(title: string, summary: ProfileSummary): string {
  const pct = (share: number) => `${(share * 100).toFixed(1).padStart(5)}%`;
  const lines = [`${title}: busy ${(summary.busyMs / 1000).toFixed(1)} s, idle ${(summary.idleMs / 1000).toFixed(1)} s`, '  busy time by part of the request path:'];
  for (const entry of summary.categories) lines.push(`    ${pct(entry.share)} ${entry.selfMs.toFixed(0).padStart(7)} ms  ${entry.name}`);
  lines.push('  top self time by function:');
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
