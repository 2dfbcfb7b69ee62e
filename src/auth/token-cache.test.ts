/**
 * The cache of authenticated tokens, on a real SQLite store: what it saves
 * (the row read), and that revocation, expiry, rotation and tenant deletion
 * still hold from the next request on this instance, and at the store's
 * signal when made elsewhere (test/tenancy/revocation-across-processes.test.ts
 * drives the real one across processes). Time is the injected clock, never the wall clock.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createDefaultRegistry } from '../core/schema/registry.js';
import { openSqliteStore, type SqliteStore } from '../store/sqlite/index.js';
import type { CredentialChanges } from '../store/store.js';
import { createKeyedHasher } from './keyed-hash.js';
import { AuthenticatedTokenCache } from './token-cache.js';
import { TokenService } from './token-service.js';
import { TokenAuthenticator } from './tokens.js';

const SECOND = 1000;
const FIXED_TOKEN = 'fixed-operator-token-0123456789';

class TestClock {
  private current = Date.parse('2030-01-01T00:00:00.000Z');
  readonly now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current += ms;
  }
}

/** The store's signal of credential changes, raised by the test where PostgreSQL's NOTIFY would raise it. */
class ChangeSignal implements CredentialChanges {
  live = true;
  private readonly listeners = new Set<() => void>();
  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  raise(): void {
    for (const listener of this.listeners) listener();
  }
  setLive(live: boolean): void {
    this.live = live;
    this.raise();
  }
}

describe('authenticated token cache', () => {
  let directory: string;
  let store: SqliteStore;
  let clock: TestClock;
  let cache: AuthenticatedTokenCache;
  let changes: ChangeSignal;
  let tokens: TokenService;
  let authenticator: TokenAuthenticator;
  let rowReads: () => number;

  const hasher = createKeyedHasher('s'.repeat(40));
  const bearer = (token: string) => `Bearer ${token}`;

  beforeEach(async () => {
    directory = mkdtempSync(path.join(tmpdir(), 'scimitar-token-cache-'));
    store = await openSqliteStore({ filename: path.join(directory, 'scimitar.db'), registry: createDefaultRegistry() });
    clock = new TestClock();
    for (const tenant of ['default', 'acme', 'globex']) await store.tenants.ensureTenant(tenant, tenant, clock.now().toISOString());
    changes = new ChangeSignal();
    cache = new AuthenticatedTokenCache({ changes });
    tokens = new TokenService({ tenants: store.tenants, hasher, now: clock.now, cache });
    authenticator = new TokenAuthenticator(store.tenants, hasher, 'default', FIXED_TOKEN, clock.now, { cache });
    const reads = vi.spyOn(store.tenants, 'findTokenByHash');
    rowReads = () => reads.mock.calls.length;
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await store.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('reads the token row once, then answers from the cache until the time to live ends', async () => {
    const { token, summary } = await tokens.create('acme', { name: 'okta' });
    const expected = { tenantId: 'acme', tokenId: summary.id };
    expect(await authenticator.authenticate(bearer(token))).toEqual(expected);
    expect(await authenticator.authenticate(bearer(token))).toEqual(expected);
    expect(rowReads()).toBe(1);
    // The default time to live: five seconds.
    clock.advance(5_000);
    expect(await authenticator.authenticate(bearer(token))).toEqual(expected);
    expect(rowReads()).toBe(2);
  });

  it('refuses a token revoked on this instance from the very next request', async () => {
    const { token, summary } = await tokens.create('acme', { name: 'okta' });
    expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    await tokens.revoke('acme', summary.id);
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
  });

  it('refuses a cached token at its expiry, to the millisecond', async () => {
    const { token } = await tokens.create('acme', { name: 'ci', expiresAt: new Date(clock.now().getTime() + 2 * SECOND) });
    expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    clock.advance(2 * SECOND - 1);
    expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    clock.advance(1);
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
  });

  it('refuses the old token of a rotation without overlap from the next request', async () => {
    const { token, summary } = await tokens.create('acme', { name: 'okta' });
    expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    const rotated = await tokens.rotate('acme', summary.id, { overlapMs: 0 });
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
    expect(await authenticator.authenticate(bearer(rotated.token))).toEqual({ tenantId: 'acme', tokenId: rotated.summary.id });
  });

  it('refuses the tokens of a deleted tenant from the next request once deletion tells the token service', async () => {
    const acme = await tokens.create('acme', { name: 'okta' });
    const globex = await tokens.create('globex', { name: 'okta' });
    expect(await authenticator.authenticate(bearer(acme.token))).toBeDefined();
    expect(await authenticator.authenticate(bearer(globex.token))).toBeDefined();
    await store.tenants.deleteTenant('acme');
    tokens.forgetTenant('acme');
    expect(await authenticator.authenticate(bearer(acme.token))).toBeUndefined();
    expect(await authenticator.authenticate(bearer(globex.token))).toBeDefined();
  });

  it('sees a revocation made by another instance as soon as the store signals a change', async () => {
    const { token, summary } = await tokens.create('acme', { name: 'okta' });
    expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    // Another instance (or the CLI) revokes through the shared database; its commit raises the signal here.
    await store.tenants.revokeToken('acme', summary.id, clock.now().toISOString());
    changes.raise();
    expect(cache.size).toBe(0);
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
  });

  it('answers nothing from the cache, and keeps nothing, while the signal is not live (changes could be missed)', async () => {
    const { token } = await tokens.create('acme', { name: 'okta' });
    await authenticator.authenticate(bearer(token));
    changes.setLive(false);
    const before = rowReads();
    expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    expect(rowReads() - before).toBe(2);
    expect(cache.size).toBe(0);
    changes.setLive(true);
    await authenticator.authenticate(bearer(token));
    await authenticator.authenticate(bearer(token));
    expect(rowReads() - before).toBe(3);
  });

  it('does not keep a row read before a revocation that finished while the read was under way', async () => {
    const { token, summary } = await tokens.create('acme', { name: 'okta' });
    const read = store.tenants.findTokenByHash.bind(store.tenants);
    vi.mocked(store.tenants.findTokenByHash).mockImplementationOnce(async (hash) => {
      const row = await read(hash);
      await tokens.revoke('acme', summary.id);
      return row;
    });
    // The request in flight was authenticated by the row it read; the next one must read the row again.
    expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
  });

  it('never remembers a failure: every unknown, revoked or expired token is looked up again', async () => {
    const unknown = 'scim_' + 'x'.repeat(43);
    const { token: revoked, summary } = await tokens.create('acme', { name: 'revoked' });
    await tokens.revoke('acme', summary.id);
    const { token: expired } = await tokens.create('acme', { name: 'expired', expiresAt: new Date(clock.now().getTime() + SECOND) });
    clock.advance(SECOND);
    for (const token of [unknown, revoked, expired]) {
      const before = rowReads();
      expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
      expect(await authenticator.authenticate(bearer(token))).toBeUndefined();
      expect(rowReads() - before).toBe(2);
    }
    expect(cache.size).toBe(0);
  });

  it('hashes the credential once: the fixed operator token needs no row, and a stored token one', async () => {
    const hash = vi.spyOn(hasher, 'hash');
    expect(await authenticator.authenticate(bearer(FIXED_TOKEN))).toEqual({ tenantId: 'default', tokenId: undefined });
    expect(hash).toHaveBeenCalledTimes(1);
    expect(rowReads()).toBe(0);
    const { token } = await tokens.create('acme', { name: 'okta' });
    hash.mockClear();
    expect(await authenticator.authenticate(bearer(token))).toBeDefined();
    expect(hash).toHaveBeenCalledTimes(1);
  });

  it('without a cache, reads the row on every request (the default)', async () => {
    const uncached = new TokenAuthenticator(store.tenants, hasher, 'default', undefined, clock.now);
    const { token } = await tokens.create('acme', { name: 'okta' });
    await uncached.authenticate(bearer(token));
    await uncached.authenticate(bearer(token));
    expect(rowReads()).toBe(2);
  });

  it('keeps at most maxEntries tokens, dropping the oldest', async () => {
    const small = new AuthenticatedTokenCache({ changes, maxEntries: 2 });
    const bounded = new TokenAuthenticator(store.tenants, hasher, 'default', undefined, clock.now, { cache: small });
    const created = [];
    for (const name of ['a', 'b', 'c']) created.push(await tokens.create('acme', { name }));
    for (const { token } of created) await bounded.authenticate(bearer(token));
    expect(small.size).toBe(2);
    const before = rowReads();
    await bounded.authenticate(bearer(created[2]!.token));
    expect(rowReads()).toBe(before);
    await bounded.authenticate(bearer(created[0]!.token));
    expect(rowReads()).toBe(before + 1);
  });

  it('refuses settings that would not bound anything', () => {
    expect(() => new AuthenticatedTokenCache({ changes, ttlMs: -1 })).toThrow(TypeError);
    expect(() => new AuthenticatedTokenCache({ changes, maxEntries: 0 })).toThrow(TypeError);
  });
});
