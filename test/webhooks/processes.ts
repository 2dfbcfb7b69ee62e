/**
 * Real Scimitar processes for the crash and scale-out webhook suites:
 * `scimitar start` and management commands run from the sources (tsx), on a
 * database the test creates, like test/scale-out/.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStore } from '../../src/app/open-store.js';
import { loadConfig } from '../../src/config/config.js';
import { createDefaultRegistry } from '../../src/core/schema/registry.js';
import type { Store } from '../../src/store/store.js';
import type { StoreKind } from './support.js';
import { freshDatabase, type FreshDatabase } from '../helpers/fresh-database.js';
import type { Instance } from '../helpers/instances.js';

export type { Instance } from '../helpers/instances.js';

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const TOKEN = 'webhook-process-token-0123456789';
const SECRET = 'webhook-process-secret-0123456789abcdef0123456789';

/** A fresh database the instances reach by DATABASE_URL (`url`). */
export type TestDatabase = FreshDatabase;

export function createDatabase(kind: StoreKind): Promise<TestDatabase> {
  return freshDatabase(kind, { prefix: 'scimitar_webhooks' });
}

/** The environment of every process of one test: the database, the shared secret, webhooks allowed to reach 127.0.0.1 over http, quick retries. */
export function processEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    SCIMITAR_TOKEN: TOKEN,
    SCIMITAR_SECRET: SECRET,
    SCIMITAR_LOG_LEVEL: 'warn',
    SCIMITAR_DB_POOL_SIZE: '5',
    SCIMITAR_WEBHOOK_ALLOW_HTTP: 'true',
    SCIMITAR_WEBHOOK_ALLOWED_HOSTS: '127.0.0.1',
    SCIMITAR_WEBHOOK_RETRY_BASE_MS: '100',
    SCIMITAR_WEBHOOK_RETRY_MAX_MS: '400',
    SCIMITAR_WEBHOOK_POLL_INTERVAL_MS: '100',
    SCIMITAR_WEBHOOK_TIMEOUT_MS: '2000',
    ...extra,
  };
}

export { startInstance } from '../helpers/instances.js';

/** Ends an instance with `signal` and waits for the process to be gone. */
export async function stopInstance(instance: Instance, signal: NodeJS.Signals): Promise<void> {
  if (instance.process.exitCode !== null || instance.process.signalCode !== null) return;
  const exited = new Promise((resolve) => instance.process.once('exit', resolve));
  instance.process.kill(signal);
  await exited;
}

/** A management command on the same database; its JSON output. */
export function runCliJson(env: Record<string, string>, args: readonly string[]): Promise<Record<string, any>> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args, '--json'], { cwd: repositoryRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as Record<string, any>) : reject(new Error(`scimitar ${args.join(' ')} exited ${code}: ${stderr}`))));
  });
}

export async function scim(instance: Instance, method: string, resourcePath: string, body?: unknown): Promise<{ status: number; body: Record<string, any> | undefined }> {
  const response = await fetch(`${instance.baseUrl}${resourcePath}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/scim+json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : (JSON.parse(text) as Record<string, any>) };
}

/** The database as the test process sees it (never starts a dispatcher). */
export async function openDatabase(databaseUrl: string): Promise<Store> {
  return openStore(loadConfig({ DATABASE_URL: databaseUrl }).database, createDefaultRegistry());
}
