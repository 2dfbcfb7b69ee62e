/**
 * Bearer tokens of tenants: rotation with an overlap, immediate revocation,
 * expiry, keyed hashes at rest, and the server secret they are keyed with.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createScimitar } from '../../src/app/scimitar.js';
import { loadServerSecret } from '../../src/auth/server-secret.js';
import { ConfigError, loadConfig } from '../../src/config/config.js';
import { build, type TestServer } from '../helpers/build.js';
import { expectScimError, expectStatus } from '../http/support.js';
import { clientFor, createTenant, eventually, HOUR, SECOND, TestClock, type TenantClient } from './support.js';

const SILENT = { SCIMITAR_LOG_LEVEL: 'silent' };

describe('token rotation, revocation and expiry', () => {
  let clock: TestClock;
  let server: TestServer;
  let acme: TenantClient;

  beforeEach(async () => {
    clock = new TestClock();
    server = await build({}, { now: clock.now });
    acme = await createTenant(server, 'acme');
  });
  afterEach(async () => {
    await server.close();
  });

  const works = async (client: TenantClient) => (await client.request('GET', `${client.base}/Users?count=0`)).statusCode;

  it('keeps old and new tokens working during the overlap, then only the new one', async () => {
    const rotated = await server.scimitar.tokens.rotate('acme', acme.tokenId, { overlapMs: 24 * HOUR });
    const successor = clientFor(server, 'acme', rotated.token, rotated.summary.id);
    expect(rotated.previous.expiresAt).toBe(new Date(clock.now().getTime() + 24 * HOUR).toISOString());
    expect(rotated.summary.name).toBe('initial token');
    expect(rotated.token).not.toBe(acme.token);

    expect(await works(acme)).toBe(200);
    expect(await works(successor)).toBe(200);
    clock.advance(24 * HOUR - SECOND);
    expect(await works(acme)).toBe(200);
    expect(await works(successor)).toBe(200);
    clock.advance(SECOND);
    expectScimError(await acme.request('GET', `${acme.base}/Users`), 401);
    expect(await works(successor)).toBe(200);

    const statuses = Object.fromEntries((await server.scimitar.tokens.list('acme')).map((token) => [token.id, token.status]));
    expect(statuses).toEqual({ [acme.tokenId]: 'expired', [rotated.summary.id]: 'active' });
  });

  it('with no overlap, retires the old token at once', async () => {
    const rotated = await server.scimitar.tokens.rotate('acme', acme.tokenId, { overlapMs: 0 });
    expectScimError(await acme.request('GET', `${acme.base}/Users`), 401);
    expect(await works(clientFor(server, 'acme', rotated.token, rotated.summary.id))).toBe(200);
  });

  it('never extends a token’s life by rotating it', async () => {
    const short = await server.scimitar.tokens.create('acme', { name: 'short', expiresAt: new Date(clock.now().getTime() + HOUR) });
    const rotated = await server.scimitar.tokens.rotate('acme', short.summary.id, { overlapMs: 24 * HOUR });
    expect(rotated.previous.expiresAt).toBe(short.summary.expiresAt);
  });

  it('refuses to rotate a revoked or expired token, or one of another tenant', async () => {
    const globex = await createTenant(server, 'globex');
    await expect(server.scimitar.tokens.rotate('acme', globex.tokenId, { overlapMs: 0 })).rejects.toMatchObject({ status: 404 });
    await server.scimitar.tokens.revoke('acme', acme.tokenId);
    await expect(server.scimitar.tokens.rotate('acme', acme.tokenId, { overlapMs: 0 })).rejects.toMatchObject({ status: 400, scimType: 'invalidValue' });
    const expiring = await server.scimitar.tokens.create('acme', { name: 'expiring', expiresAt: new Date(clock.now().getTime() + SECOND) });
    clock.advance(SECOND);
    await expect(server.scimitar.tokens.rotate('acme', expiring.summary.id, { overlapMs: 0 })).rejects.toMatchObject({ status: 400 });
  });

  it('refuses a revoked token from the very next request', async () => {
    expect(await works(acme)).toBe(200);
    const revoked = await server.scimitar.tokens.revoke('acme', acme.tokenId);
    expect(revoked.status).toBe('revoked');
    expectScimError(await acme.request('GET', `${acme.base}/Users`), 401);
    expectScimError(await acme.request('GET', '/scim/v2/Users'), 401);
  });

  it('refuses a token after its expiry, to the millisecond', async () => {
    const expiring = await server.scimitar.tokens.create('acme', { name: 'ci', expiresAt: new Date(clock.now().getTime() + 10 * SECOND) });
    const client = clientFor(server, 'acme', expiring.token, expiring.summary.id);
    clock.advance(10 * SECOND - 1);
    expect(await works(client)).toBe(200);
    clock.advance(1);
    expectScimError(await client.request('GET', `${client.base}/Users`), 401);
  });

  it('refuses an expiry in the past when creating a token', async () => {
    await expect(server.scimitar.tokens.create('acme', { name: 'stale', expiresAt: clock.now() })).rejects.toMatchObject({ status: 400 });
  });

  it('records the last use, at most once a minute', async () => {
    const lastUse = async () => (await server.scimitar.tokens.list('acme'))[0]!.lastUsedAt;
    const firstUse = clock.now().toISOString();
    await works(acme);
    // The write is not awaited by the request: last use is informational.
    await eventually(async () => expect(await lastUse()).toBe(firstUse));
    clock.advance(30 * SECOND);
    await works(acme);
    clock.advance(31 * SECOND);
    const thirdUse = clock.now().toISOString();
    await works(acme);
    await eventually(async () => expect(await lastUse()).toBe(thirdUse));
  });
});

describe('tokens at rest', () => {
  let server: TestServer;
  let acme: TenantClient;
  beforeAll(async () => {
    server = await build();
    acme = await createTenant(server, 'acme');
  });
  afterAll(async () => {
    await server.close();
  });

  it('stores only a keyed hash: no secret, no plain SHA-256 digest, in any row of any table', async () => {
    const tables = await server.rawTables();
    const dump = JSON.stringify(tables);
    expect(dump).not.toContain(acme.token);
    expect(dump).not.toContain(acme.token.slice(12));
    expect(dump).not.toContain(createHash('sha256').update(acme.token).digest('hex'));
    const row = tables['tokens']!.map((line) => JSON.parse(line) as Record<string, unknown>).find((candidate) => candidate['tenant_id'] === 'acme')!;
    expect(row['hash']).toMatch(/^hmac-sha256:[0-9a-f]{64}$/);
    expect(row['prefix']).toBe(acme.token.slice(0, 11));
  });
});

describe('the server secret', () => {
  let directory: string;
  beforeEach(() => {
    directory = mkdtempSync(path.join(tmpdir(), 'scimitar-secret-'));
    return () => rmSync(directory, { recursive: true, force: true });
  });

  const configFor = (env: Record<string, string> = {}) => loadConfig({ DATABASE_URL: `sqlite:${path.join(directory, 'scimitar.db')}`, ...SILENT, ...env });

  async function tokenWorksAfterRestart(firstEnv: Record<string, string>, secondEnv: Record<string, string>): Promise<number> {
    const first = await createScimitar(configFor(firstEnv));
    const created = await first.tenants.create('acme');
    await first.close();
    const second = await createScimitar(configFor(secondEnv));
    try {
      const response = await second.app.inject({ method: 'GET', url: '/t/acme/scim/v2/Users', headers: { authorization: `Bearer ${created.firstToken.token}` } });
      return response.statusCode;
    } finally {
      await second.close();
    }
  }

  it('generates a key next to an SQLite database on first start, readable by its owner only', async () => {
    const scimitar = await createScimitar(configFor());
    const keyFile = path.join(directory, 'scimitar.db.secret');
    try {
      expect(scimitar.secret).toEqual({ source: 'generated', file: keyFile });
      if (process.platform !== 'win32') expect(statSync(keyFile).mode & 0o777).toBe(0o600);
      expect(readFileSync(keyFile, 'utf8').trim().length).toBeGreaterThanOrEqual(32);
    } finally {
      await scimitar.close();
    }
  });

  it('reuses the generated key file across restarts', async () => {
    expect(await tokenWorksAfterRestart({}, {})).toBe(200);
    expect(loadServerSecret(undefined, configFor().database).source).toBe('key file');
  });

  it('hashes with SCIMITAR_SECRET when set: a different secret invalidates every token', async () => {
    const secret = 'a'.repeat(40);
    expect(await tokenWorksAfterRestart({ SCIMITAR_SECRET: secret }, { SCIMITAR_SECRET: secret })).toBe(200);
    rmSync(path.join(directory, 'scimitar.db'));
    expect(await tokenWorksAfterRestart({ SCIMITAR_SECRET: secret }, { SCIMITAR_SECRET: 'b'.repeat(40) })).toBe(401);
  });

  it('is required with PostgreSQL, before any connection is attempted', async () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://scimitar:secret@127.0.0.1:1/scimitar', ...SILENT });
    const attempt = createScimitar(config);
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow('Invalid configuration: SCIMITAR_SECRET: is required with PostgreSQL: every instance must hash tokens with the same key');
  });

  it('refuses a key file others can read, and one too short to be a key', () => {
    if (process.platform === 'win32') return;
    const database = configFor().database;
    const keyFile = path.join(directory, 'scimitar.db.secret');
    writeFileSync(keyFile, 'x'.repeat(64), { mode: 0o644 });
    expect(() => loadServerSecret(undefined, database)).toThrow(/readable by other users/);
    rmSync(keyFile);
    writeFileSync(keyFile, 'short\n', { mode: 0o600 });
    expect(() => loadServerSecret(undefined, database)).toThrow(/fewer than 32 characters/);
  });

  it('keeps the fixed SCIMITAR_TOKEN working for the default tenant only', async () => {
    const fixed = 'operator-token-0123456789';
    const scimitar = await createScimitar(configFor({ SCIMITAR_TOKEN: fixed }));
    try {
      const request = (url: string) => scimitar.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${fixed}` } });
      await scimitar.tenants.create('acme');
      expectStatus(await request('/scim/v2/Users'), 200);
      expectStatus(await request('/t/default/scim/v2/Users'), 200);
      expectScimError(await request('/t/acme/scim/v2/Users'), 401);
      expect(scimitar.generatedToken).toBeUndefined();
    } finally {
      await scimitar.close();
    }
  });
});

describe("a token's last use at shutdown", () => {
  it('is written by close(), not lost with the batch still waiting for its turn', async () => {
    const directory = mkdtempSync(path.join(tmpdir(), 'scimitar-last-use-'));
    try {
      const config = loadConfig({ DATABASE_URL: `sqlite:${path.join(directory, 'scimitar.db')}`, ...SILENT });
      const first = await createScimitar(config);
      const created = await first.tenants.create('acme');
      const before = Date.now();
      const response = await first.app.inject({ method: 'GET', url: '/t/acme/scim/v2/Users?count=0', headers: { authorization: `Bearer ${created.firstToken.token}` } });
      expect(response.statusCode).toBe(200);
      // At once: the uses of the last 250 ms are still waiting to be written together.
      await first.close();
      const second = await createScimitar(config);
      try {
        const lastUsedAt = (await second.tokens.list('acme'))[0]?.lastUsedAt;
        expect(typeof lastUsedAt).toBe('string');
        expect(Date.parse(lastUsedAt as string)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
      } finally {
        await second.close();
      }
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
