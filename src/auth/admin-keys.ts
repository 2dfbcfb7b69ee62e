/**
 * Admin keys: the operators' credentials for the admin API (/admin/v1).
 * Separate from SCIM tokens in every way — their own prefix, table and
 * authenticator — so a SCIM token never opens the admin API and an admin
 * key never opens a tenant's SCIM API. Stored as keyed hashes, like tokens.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { scimErrors } from '../core/errors/scim-error.js';
import type { StoredAdminKey, TenantStore } from '../store/store.js';
import { assertCredentialName } from './credential-name.js';
import type { KeyedHasher } from './keyed-hash.js';
import { parseBearer } from './tokens.js';

export const ADMIN_KEY_PREFIX = 'scimadm_';

export function generateAdminKey(): string {
  return ADMIN_KEY_PREFIX + randomBytes(32).toString('base64url');
}

export interface AdminKeySummary {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly status: 'active' | 'revoked';
  readonly createdAt: string;
  readonly revokedAt: string | undefined;
  readonly lastUsedAt: string | undefined;
}

export function summarizeAdminKey(key: StoredAdminKey): AdminKeySummary {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    status: key.revokedAt === undefined ? 'active' : 'revoked',
    createdAt: key.createdAt,
    revokedAt: key.revokedAt,
    lastUsedAt: key.lastUsedAt,
  };
}

export interface AdminKeyServiceDependencies {
  readonly tenants: TenantStore;
  readonly hasher: KeyedHasher;
  readonly now: () => Date;
}

export class AdminKeyService {
  constructor(private readonly dependencies: AdminKeyServiceDependencies) {}

  /** Returns the key itself once; only its keyed hash is stored. */
  async create(name: string): Promise<{ readonly key: string; readonly summary: AdminKeySummary }> {
    assertCredentialName(name, 'admin key');
    const key = generateAdminKey();
    const record = {
      id: randomUUID(),
      name,
      prefix: key.slice(0, ADMIN_KEY_PREFIX.length + 6),
      hash: this.dependencies.hasher.hash(key),
      createdAt: this.dependencies.now().toISOString(),
    };
    await this.dependencies.tenants.insertAdminKey(record);
    return { key, summary: summarizeAdminKey({ ...record, revokedAt: undefined, lastUsedAt: undefined }) };
  }

  async list(): Promise<AdminKeySummary[]> {
    return (await this.dependencies.tenants.listAdminKeys()).map(summarizeAdminKey);
  }

  async revoke(keyId: string): Promise<AdminKeySummary> {
    if (!(await this.dependencies.tenants.revokeAdminKey(keyId, this.dependencies.now().toISOString()))) {
      throw scimErrors.notFound(`No admin key "${keyId}"`);
    }
    const key = (await this.dependencies.tenants.listAdminKeys()).find((candidate) => candidate.id === keyId);
    if (!key) throw scimErrors.notFound(`No admin key "${keyId}"`);
    return summarizeAdminKey(key);
  }
}

/** How often last-use timestamps are written, at most, per key. */
const LAST_USE_WRITE_INTERVAL_MS = 60_000;

/** Resolves `Authorization: Bearer <admin key>`; reads the row every time, so a revocation holds at once. */
export class AdminKeyAuthenticator {
  private readonly lastUseWrites = new Map<string, number>();

  constructor(
    private readonly tenants: TenantStore,
    private readonly hasher: KeyedHasher,
    private readonly clock: () => Date,
  ) {}

  async authenticate(authorization: string | undefined): Promise<{ readonly keyId: string } | undefined> {
    const key = parseBearer(authorization);
    if (key === undefined) return undefined;
    const stored = await this.tenants.findAdminKeyByHash(this.hasher.hash(key));
    if (!stored || !this.hasher.matches(key, stored.hash) || stored.revokedAt !== undefined) return undefined;
    const now = this.clock();
    const last = this.lastUseWrites.get(stored.id) ?? 0;
    if (now.getTime() - last >= LAST_USE_WRITE_INTERVAL_MS) {
      this.lastUseWrites.set(stored.id, now.getTime());
      this.tenants.markAdminKeyUsed(stored.id, now.toISOString()).catch(() => undefined);
    }
    return { keyId: stored.id };
  }
}
