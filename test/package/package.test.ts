/**
 * The package as a consumer gets it: `npm pack` (which builds dist/ through
 * `prepack`), the tarball installed into a fresh host app without dev
 * dependencies, then imported by name from ESM, type-checked from TypeScript
 * under both `nodenext` and `bundler` resolution, and its CLI started.
 *
 * The pack runs in a copy of the package's sources, so the repository's own
 * dist/ is left alone. The install uses npm's cache first; better-sqlite3's
 * native addon is taken from the repository's install when the host resolved
 * the same version and it loads in this Node.js (compiling it again is a
 * minute of C++ that tests nothing of ours), and rebuilt otherwise (on a
 * machine without access to Node's headers download, set npm_config_nodedir).
 */
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPOSITORY = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const TSC = createRequire(path.join(REPOSITORY, 'package.json')).resolve('typescript/bin/tsc');
const TOKEN = 'package-test-token-0123456789';
const NPM_QUIET = ['--no-audit', '--no-fund', '--prefer-offline'];

/** What `npm pack` needs to build and pack: the files it ships and the build's inputs. */
const PACKAGE_SOURCES = ['package.json', 'README.md', 'LICENSE', 'tsconfig.json', 'tsconfig.build.json', 'src', 'bin', 'docs', 'scripts'];

interface PackedFile {
  readonly path: string;
}

function run(command: string, args: readonly string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const result = spawnSync(command, args, { cwd, env: { ...process.env, ...env }, encoding: 'utf8', timeout: 600_000 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}:\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** Whether the repository's better-sqlite3 addon was compiled for the Node.js running this test. */
function addonLoads(packageDirectory: string): boolean {
  try {
    const Database = createRequire(import.meta.url)(packageDirectory) as new (file: string) => { close(): void };
    new Database(':memory:').close();
    return true;
  } catch {
    return false;
  }
}

function packageVersion(packageDirectory: string): string {
  return (JSON.parse(readFileSync(path.join(packageDirectory, 'package.json'), 'utf8')) as { version: string }).version;
}

/** An ESM host that imports the package by name, serves SCIM on a real socket and makes one request. */
const ESM_HOST = `
import { createScimitar, loadConfig, ScimError, scimErrors } from 'scimitar';

const config = loadConfig({ DATABASE_URL: process.env.DATABASE_URL, SCIMITAR_TOKEN: '${TOKEN}', SCIMITAR_LOG_LEVEL: 'silent' });
const seen = [];
const scimitar = await createScimitar(config, {
  hooks: {
    onUserCreated: (event) => { seen.push(event.type); },
    inTransaction: (events) => {
      if (events.some((event) => event.data?.resource?.userName === 'vetoed@example.com')) throw scimErrors.forbidden('not in this app');
    },
  },
});
const address = await scimitar.app.listen({ port: 0, host: '127.0.0.1' });
const headers = { authorization: 'Bearer ${TOKEN}', 'content-type': 'application/scim+json' };
const create = (userName) => fetch(address + '/scim/v2/Users', {
  method: 'POST',
  headers,
  body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName }),
});
const created = await create('ada@example.com');
const vetoed = await create('vetoed@example.com');
await scimitar.hooksIdle();
await scimitar.close();
console.log(JSON.stringify({
  created: created.status,
  userName: (await created.json()).userName,
  vetoed: vetoed.status,
  vetoDetail: (await vetoed.json()).detail,
  seen,
  scimErrorIsAClass: typeof ScimError === 'function',
}));
`;

/**
 * A host that mounts Scimitar in apps of its own: the SCIM plugin in a
 * Fastify app (Fastify as the package installed it), and the handler in a
 * node:http server on a real socket. Each creates a user; the Fastify app's
 * close closes Scimitar.
 */
const MOUNT_HOST = `
import { createServer } from 'node:http';
import Fastify from 'fastify';
import { createScimitar, loadConfig } from 'scimitar';

const config = loadConfig({ DATABASE_URL: process.env.DATABASE_URL, SCIMITAR_TOKEN: '${TOKEN}', SCIMITAR_LOG_LEVEL: 'silent' });
const headers = { authorization: 'Bearer ${TOKEN}', 'content-type': 'application/scim+json' };
const user = (userName) => JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName });

const scimitar = await createScimitar(config);
const host = Fastify();
host.get('/app/health', async () => ({ app: 'ok' }));
await host.register(scimitar.fastifyPlugin, { prefix: '/scim/v2' });
const viaPlugin = await host.inject({ method: 'POST', url: '/scim/v2/Users', headers, payload: user('plugin@example.com') });
const appRoute = await host.inject({ method: 'GET', url: '/app/health' });

const handler = scimitar.handler({ prefix: '/scim/v2' });
const server = createServer((request, response) => handler(request, response));
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const viaHandler = await fetch('http://127.0.0.1:' + server.address().port + '/scim/v2/Users', { method: 'POST', headers, body: user('handler@example.com') });
const handlerBody = await viaHandler.json();
await new Promise((resolve) => server.close(resolve));
await host.close();
let storeClosed = false;
await scimitar.store.ping().catch(() => { storeClosed = true; });
console.log(JSON.stringify({
  plugin: viaPlugin.statusCode,
  appRoute: appRoute.json(),
  handler: viaHandler.status,
  location: handlerBody.meta.location.replace(/\\/Users\\/.*$/, '/Users/…').replace(/:\\d+\\//, ':PORT/'),
  storeClosed,
}));
`;

/** A TypeScript host naming the public types an embedding app writes against. */
const TYPED_HOST = `
import { createServer, type Server } from 'node:http';
import {
  createScimitar,
  loadConfig,
  ConfigError,
  ScimError,
  scimErrors,
  EVENT_TYPES,
  type EventHandler,
  type EventHooks,
  type EventType,
  type NodeHandler,
  type NodeHandlerOptions,
  type Scimitar,
  type ScimitarConfig,
  type ScimitarEvent,
  type ScimType,
} from 'scimitar';

const onUserDeactivated: EventHandler = async (event: ScimitarEvent) => {
  const type: EventType = event.type;
  console.log(type, event.tenant, event.resourceId);
};

const hooks: EventHooks = {
  onUserDeactivated,
  inTransaction(events: readonly ScimitarEvent[]) {
    if (events.length > 1000) throw scimErrors.forbidden('too many at once');
  },
};

export async function start(): Promise<Scimitar> {
  let config: ScimitarConfig;
  try {
    config = loadConfig({ DATABASE_URL: 'sqlite::memory:' });
  } catch (error) {
    if (error instanceof ConfigError) throw new Error(error.message);
    throw error;
  }
  const scimitar = await createScimitar(config, { hooks });
  await scimitar.app.listen({ port: config.port, host: config.host });
  return scimitar;
}

export function describeError(error: unknown): string {
  if (!(error instanceof ScimError)) return 'not a SCIM error';
  const scimType: ScimType | undefined = error.scimType;
  return \`\${error.status} \${scimType ?? ''}\`;
}

export const knownTypes: readonly EventType[] = EVENT_TYPES;

export async function mount(scimitar: Scimitar, app: Scimitar['app']): Promise<Server> {
  await app.register(scimitar.fastifyPlugin, { prefix: '/scim/v2' });
  await app.register(scimitar.fastifyAdminPlugin, { prefix: '/admin/v1' });
  const handler: NodeHandler = scimitar.handler({ prefix: '/scim/v2' });
  const options: NodeHandlerOptions = { prefix: '/admin/v1' };
  const admin: NodeHandler = scimitar.adminHandler(options);
  return createServer((request, response) => (request.url?.startsWith('/admin/') ? admin : handler)(request, response));
}
`;

/** Type-checks the host under one module resolution, with the package's declarations checked too (no skipLibCheck). */
function typeCheck(hostDirectory: string, resolution: 'nodenext' | 'bundler'): SpawnSyncReturns<string> {
  const compilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: false,
    target: 'ES2022',
    lib: ['ES2022', 'DOM'],
    types: ['node'],
    // Node's own types only: the host installs nothing but the package.
    typeRoots: [path.join(REPOSITORY, 'node_modules/@types')],
    ...(resolution === 'nodenext' ? { module: 'nodenext', moduleResolution: 'nodenext' } : { module: 'preserve', moduleResolution: 'bundler' }),
  };
  const configFile = path.join(hostDirectory, `tsconfig.${resolution}.json`);
  writeFileSync(configFile, JSON.stringify({ compilerOptions, files: ['host.ts'] }, null, 2));
  return spawnSync(process.execPath, [TSC, '-p', configFile], { cwd: hostDirectory, encoding: 'utf8', timeout: 120_000 });
}

/** Starts the installed CLI with `npx scimitar start` and resolves with the SCIM root it prints. */
function startInstalledCli(hostDirectory: string, env: Record<string, string>): Promise<{ child: ReturnType<typeof spawn>; baseUrl: string }> {
  const child = spawn('npx', ['--no', 'scimitar', 'start'], {
    cwd: hostDirectory,
    env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: npx and the server it starts are stopped together.
    detached: true,
  });
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => reject(new Error(`scimitar start did not report its address:\n${output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /serving SCIM 2\.0 at (http:\/\/\S+\/scim\/v2)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve({ child, baseUrl: match[1].replace('localhost', '127.0.0.1') });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`scimitar start exited with ${code}:\n${output}`));
    });
  });
}

// Type-checking with the package's declarations (and Fastify's) takes seconds, more on a busy machine.
describe('the npm package, installed into a fresh host app', { timeout: 180_000 }, () => {
  let workDirectory: string;
  let hostDirectory: string;
  let packedFiles: string[];
  let installOutput: string;

  beforeAll(() => {
    workDirectory = mkdtempSync(path.join(tmpdir(), 'scimitar-package-'));
    const packageCopy = path.join(workDirectory, 'package');
    for (const source of PACKAGE_SOURCES) cpSync(path.join(REPOSITORY, source), path.join(packageCopy, source), { recursive: true });
    symlinkSync(path.join(REPOSITORY, 'node_modules'), path.join(packageCopy, 'node_modules'), 'dir');
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', workDirectory], packageCopy).stdout) as { filename: string; files: PackedFile[] }[];
    packedFiles = packed[0]!.files.map((file) => file.path);

    hostDirectory = path.join(workDirectory, 'host');
    mkdirSync(hostDirectory);
    writeFileSync(path.join(hostDirectory, 'package.json'), JSON.stringify({ name: 'host-app', version: '1.0.0', private: true, type: 'module' }));
    const install = run('npm', ['install', '--omit=dev', '--ignore-scripts', ...NPM_QUIET, path.join(workDirectory, packed[0]!.filename)], hostDirectory);
    installOutput = `${install.stdout}\n${install.stderr}`;

    const hostSqlite = path.join(hostDirectory, 'node_modules/better-sqlite3');
    const ownSqlite = path.join(REPOSITORY, 'node_modules/better-sqlite3');
    if (packageVersion(hostSqlite) === packageVersion(ownSqlite) && addonLoads(ownSqlite)) {
      mkdirSync(path.join(hostSqlite, 'build/Release'), { recursive: true });
      cpSync(path.join(ownSqlite, 'build/Release/better_sqlite3.node'), path.join(hostSqlite, 'build/Release/better_sqlite3.node'));
    } else {
      run('npm', ['rebuild', 'better-sqlite3', ...NPM_QUIET], hostDirectory);
    }
  }, 600_000);

  afterAll(() => {
    if (workDirectory !== undefined) rmSync(workDirectory, { recursive: true, force: true });
  });

  it('ships the compiled code, its declarations, the CLI, README, LICENSE and docs, and no sources, tests or tooling', () => {
    for (const file of ['package.json', 'README.md', 'LICENSE', 'bin/scimitar.js', 'dist/index.js', 'dist/index.d.ts', 'dist/cli/main.js', 'docs/events.md']) {
      expect(packedFiles).toContain(file);
    }
    const outside = packedFiles.filter((file) => !/^(dist|bin|docs)\//.test(file) && !['package.json', 'README.md', 'LICENSE'].includes(file));
    expect(outside).toEqual([]);
    expect(packedFiles.filter((file) => /\.test\.|tsbuildinfo|^dist\/.*\.ts$(?<!\.d\.ts)/.test(file))).toEqual([]);
  });

  it('installs without engine warnings, and without TypeScript in the host', () => {
    expect(installOutput).not.toMatch(/EBADENGINE/);
    expect(existsSync(path.join(hostDirectory, 'node_modules/typescript'))).toBe(false);
    expect(existsSync(path.join(hostDirectory, 'node_modules/tsx'))).toBe(false);
  });

  it('imports by name from ESM: createScimitar serves SCIM on a socket, hooks run, and a veto is the SCIM error the client gets', () => {
    writeFileSync(path.join(hostDirectory, 'server.js'), ESM_HOST);
    const result = run(process.execPath, ['server.js'], hostDirectory, { DATABASE_URL: `sqlite:${path.join(workDirectory, 'esm-host.db')}` });
    expect(JSON.parse(result.stdout.trim())).toEqual({
      created: 201,
      userName: 'ada@example.com',
      vetoed: 403,
      vetoDetail: 'not in this app',
      seen: ['user.created'],
      scimErrorIsAClass: true,
    });
  });

  it('mounts from the installed package: fastifyPlugin in a Fastify app and handler() on a node:http socket serve SCIM, and the app closes Scimitar', () => {
    writeFileSync(path.join(hostDirectory, 'mount.js'), MOUNT_HOST);
    const result = run(process.execPath, ['mount.js'], hostDirectory, { DATABASE_URL: `sqlite:${path.join(workDirectory, 'mount-host.db')}` });
    expect(JSON.parse(result.stdout.trim())).toEqual({
      plugin: 201,
      appRoute: { app: 'ok' },
      handler: 201,
      location: 'http://127.0.0.1:PORT/scim/v2/Users/…',
      storeClosed: true,
    });
  });

  it.each(['nodenext', 'bundler'] as const)('type-checks a TypeScript host under %s module resolution', (resolution) => {
    writeFileSync(path.join(hostDirectory, 'host.ts'), TYPED_HOST);
    const result = typeCheck(hostDirectory, resolution);
    expect(`${result.stdout}${result.stderr}`).toBe('');
    expect(result.status).toBe(0);
  });

  it('a type error in the host is reported (the check above is not vacuous)', () => {
    writeFileSync(path.join(hostDirectory, 'host.ts'), `import { createScimitar } from 'scimitar';\nexport const wrong: number = createScimitar;\n`);
    const result = typeCheck(hostDirectory, 'nodenext');
    expect(result.status).not.toBe(0);
    expect(result.stdout).toMatch(/host\.ts.*TS2322/);
  });

  it('`npx scimitar start` runs from the installed package and answers a SCIM request', async () => {
    const { child, baseUrl } = await startInstalledCli(hostDirectory, {
      DATABASE_URL: `sqlite:${path.join(workDirectory, 'cli.db')}`,
      SCIMITAR_TOKEN: TOKEN,
      SCIMITAR_LOG_LEVEL: 'silent',
    });
    try {
      const response = await fetch(`${baseUrl}/Users`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ totalResults: 0, schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'] });
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid!, 'SIGTERM');
      await exited;
    }
  });
});
