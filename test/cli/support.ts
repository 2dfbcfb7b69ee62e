/**
 * Runs the real `scimitar` command as a child process against a temporary
 * SQLite database, with a clean environment.
 *
 * The CLI is built once per suite into a private directory: each source file
 * transpiled with TypeScript's transpileModule (imports already carry their
 * .js suffix), and a node_modules link back to the repository's. A process
 * then starts in well under half a second — tsx takes twice as long — and
 * the shared dist/ that other work builds into is left alone.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { createScimitar, type Scimitar, type ScimitarOverrides } from '../../src/app/scimitar.js';
import { loadConfig } from '../../src/config/config.js';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const PUBLIC_URL = 'https://scim.example.com';

/** Transpiles src/ (tests left out) into `directory`; returns the path of the CLI entry point. */
function buildCli(directory: string): string {
  const sources = path.join(REPOSITORY, 'src');
  const compile = (from: string, to: string) => {
    mkdirSync(to, { recursive: true });
    for (const entry of readdirSync(from, { withFileTypes: true })) {
      const source = path.join(from, entry.name);
      if (entry.isDirectory()) compile(source, path.join(to, entry.name));
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const output = ts.transpileModule(readFileSync(source, 'utf8'), {
          fileName: source,
          compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true },
        });
        writeFileSync(path.join(to, entry.name.replace(/\.ts$/, '.js')), output.outputText);
      }
    }
  };
  compile(sources, path.join(directory, 'src'));
  writeFileSync(path.join(directory, 'package.json'), JSON.stringify({ type: 'module' }));
  symlinkSync(path.join(REPOSITORY, 'node_modules'), path.join(directory, 'node_modules'), 'dir');
  return path.join(directory, 'src', 'cli', 'main.js');
}

/** Parsed JSON output is loosely typed: the tests assert its shape. */
export type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface CliSandbox {
  /** The built CLI entry point. */
  readonly cli: string;
  readonly databaseUrl: string;
  readonly env: Record<string, string>;
  run(args: readonly string[], input?: string): Promise<CliResult>;
  /**
   * Runs another entry point of the built tree (relative to the directory
   * holding src/), as an embedding app's own command would be: `source` is
   * its JavaScript, written there first.
   */
  runEntry(entryName: string, source: string, args: readonly string[]): Promise<CliResult>;
  /** `run` then JSON.parse of stdout, expecting exit code 0. */
  json(args: readonly string[]): Promise<Json>;
  /** The server on the same database (and so the same key file), for checking what the CLI did. */
  server(overrides?: ScimitarOverrides): Promise<Scimitar>;
  remove(): void;
}

/** `settings` replace the sandbox's defaults; one set to undefined is left out (e.g. SCIMITAR_PUBLIC_URL). */
export function cliSandbox(settings: Record<string, string | undefined> = {}): CliSandbox {
  const directory = mkdtempSync(path.join(tmpdir(), 'scimitar-cli-'));
  const cli = buildCli(path.join(directory, 'build'));
  const databaseUrl = `sqlite:${path.join(directory, 'scimitar.db')}`;
  const env = Object.fromEntries(
    Object.entries({ DATABASE_URL: databaseUrl, SCIMITAR_PUBLIC_URL: PUBLIC_URL, SCIMITAR_LOG_LEVEL: 'silent', ...settings }).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  const sandbox: CliSandbox = {
    cli,
    databaseUrl,
    env,
    run: (args, input) => runProcess(cli, args, input),
    runEntry(entryName, source, args) {
      const entry = path.join(path.dirname(cli), '..', '..', entryName);
      writeFileSync(entry, source);
      return runProcess(entry, args);
    },
    async json(args) {
      const result = await sandbox.run([...args, '--json']);
      if (result.code !== 0) throw new Error(`scimitar ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
      return JSON.parse(result.stdout) as Json;
    },
    server: (overrides) => createScimitar(loadConfig(env), overrides),
    remove: () => rmSync(directory, { recursive: true, force: true }),
  };
  function runProcess(entry: string, args: readonly string[], input?: string): Promise<CliResult> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [entry, ...args], {
        cwd: REPOSITORY,
        env: { PATH: process.env['PATH'] ?? '', HOME: directory, ...env },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
      child.stdin.end(input ?? '');
    });
  }
  return sandbox;
}

/** Whether util-linux `script` can give the CLI a pseudo-terminal (for the interactive confirmation). */
export function hasScript(): boolean {
  if (process.platform !== 'linux') return false;
  return spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
}

/** Runs the CLI on a pseudo-terminal, typing `input`. */
export function runOnTerminal(sandbox: CliSandbox, args: readonly string[], input: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const quoted = [process.execPath, sandbox.cli, ...args].map((part) => `'${part.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qec', quoted, '/dev/null'], {
      cwd: REPOSITORY,
      env: { PATH: process.env['PATH'] ?? '', HOME: tmpdir(), TERM: 'dumb', ...sandbox.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr: '' }));
    child.stdin.end(`${input}\n`);
  });
}
