import { scimErrors } from '../../core/errors/scim-error.js';
import type { NewAdminKey, NewToken, StoredAdminKey, StoredTenant, StoredToken, TenantStore } from '../store.js';
import { ADMIN_KEY_COLUMNS, TOKEN_COLUMNS, adminKeyFromRow, tenantFromRow, tokenFromRow, type AdminKeyRow, type TenantRow, type TokenRow } from '../tenant-rows.js';
import type { SqliteConnection } from './connection.js';
import { canonicalTimestamp } from './resource-rows.js';
import { translateConstraintError } from './sqlite-errors.js';

/** Runs a write on the writer connection, serialised with the store's transactions. */
export type SerialisedWrite = <T>(write: (writer: SqliteConnection) => T) => Promise<T>;

export class SqliteTenantStore implements TenantStore {
  constructor(
    private readonly reader: () => SqliteConnection,
    private readonly write: SerialisedWrite,
  ) {}

  async ensureTenant(tenantId: string, name: string, now: string): Promise<void> {
    const createdAt = canonicalTimestamp(now);
    await this.write((writer) => {
      writer.statement('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING').run(tenantId, name, createdAt);
    });
  }

  async insertToken(token: NewToken): Promise<void> {
    const createdAt = canonicalTimestamp(token.createdAt);
    const expiresAt = token.expiresAt === undefined ? null : canonicalTimestamp(token.expiresAt);
    await this.write((writer) => {
      try {
        writer
          .statement(`INSERT INTO tokens (id, tenant_id, name, prefix, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
          .run(token.id, token.tenantId, token.name, token.prefix, token.hash, createdAt, expiresAt);
      } catch (error) {
        throw translateConstraintError(error, undefined);
      }
    });
  }

  async findTokenByHash(hash: string): Promise<StoredToken | undefined> {
    const row = this.reader().statement(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = ?`).get(hash) as TokenRow | undefined;
    return row === undefined ? undefined : tokenFromRow(row);
  }

  async listTokens(tenantId: string): Promise<readonly StoredToken[]> {
    const rows = this.reader().statement(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE tenant_id = ? ORDER BY created_at, id`).all(tenantId) as TokenRow[];
    return rows.map(tokenFromRow);
  }

  /** True when the token exists in the tenant; revoking twice keeps the first revocation time. */
  async revokeToken(tenantId: string, tokenId: string, now: string): Promise<boolean> {
    const revokedAt = canonicalTimestamp(now);
    return this.write(
      (writer) =>
        writer.statement('UPDATE tokens SET revoked_at = COALESCE(revoked_at, ?) WHERE tenant_id = ? AND id = ?').run(revokedAt, tenantId, tokenId).changes > 0,
    );
  }

  async markTokenUsed(tokenId: string, now: string): Promise<void> {
    const usedAt = canonicalTimestamp(now);
    await this.write((writer) => {
      writer.statement('UPDATE tokens SET last_used_at = ? WHERE id = ?').run(usedAt, tokenId);
    });
  }

  async createTenant(tenantId: string, name: string, now: string): Promise<StoredTenant> {
    const createdAt = canonicalTimestamp(now);
    return this.write((writer) => {
      const inserted = writer
        .statement('INSERT INTO tenants (id, name, created_at) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING')
        .run(tenantId, name, createdAt).changes;
      if (inserted === 0) throw scimErrors.uniqueness(`A tenant "${tenantId}" already exists`);
      return { id: tenantId, name, createdAt };
    });
  }

  async getTenant(tenantId: string): Promise<StoredTenant | undefined> {
    const row = this.reader().statement('SELECT id, name, created_at FROM tenants WHERE id = ?').get(tenantId) as TenantRow | undefined;
    return row === undefined ? undefined : tenantFromRow(row);
  }

  async listTenants(): Promise<readonly StoredTenant[]> {
    return (this.reader().statement('SELECT id, name, created_at FROM tenants ORDER BY id').all() as TenantRow[]).map(tenantFromRow);
  }

  /** Users, groups, tokens, emails and memberships go with the tenant row through ON DELETE CASCADE. */
  async deleteTenant(tenantId: string): Promise<boolean> {
    return this.write((writer) => writer.statement('DELETE FROM tenants WHERE id = ?').run(tenantId).changes > 0);
  }

  async countResources(tenantId: string): Promise<{ readonly users: number; readonly groups: number }> {
    const reader = this.reader();
    const users = reader.statement('SELECT count(*) AS total FROM users WHERE tenant_id = ?').get(tenantId) as { total: number };
    const groups = reader.statement('SELECT count(*) AS total FROM groups WHERE tenant_id = ?').get(tenantId) as { total: number };
    return { users: users.total, groups: groups.total };
  }

  async expireToken(tenantId: string, tokenId: string, expiresAt: string): Promise<boolean> {
    const at = canonicalTimestamp(expiresAt);
    return this.write((writer) => writer.statement('UPDATE tokens SET expires_at = ? WHERE tenant_id = ? AND id = ?').run(at, tenantId, tokenId).changes > 0);
  }

  async insertAdminKey(key: NewAdminKey): Promise<void> {
    const createdAt = canonicalTimestamp(key.createdAt);
    await this.write((writer) => {
      try {
        writer.statement('INSERT INTO admin_keys (id, name, prefix, hash, created_at) VALUES (?, ?, ?, ?, ?)').run(key.id, key.name, key.prefix, key.hash, createdAt);
      } catch (error) {
        throw translateConstraintError(error, undefined);
      }
    });
  }

  async findAdminKeyByHash(hash: string): Promise<StoredAdminKey | undefined> {
    const row = this.reader().statement(`SELECT ${ADMIN_KEY_COLUMNS} FROM admin_keys WHERE hash = ?`).get(hash) as AdminKeyRow | undefined;
    return row === undefined ? undefined : adminKeyFromRow(row);
  }

  async listAdminKeys(): Promise<readonly StoredAdminKey[]> {
    return (this.reader().statement(`SELECT ${ADMIN_KEY_COLUMNS} FROM admin_keys ORDER BY created_at, id`).all() as AdminKeyRow[]).map(adminKeyFromRow);
  }

  async revokeAdminKey(keyId: string, now: string): Promise<boolean> {
    const revokedAt = canonicalTimestamp(now);
    return this.write((writer) => writer.statement('UPDATE admin_keys SET revoked_at = COALESCE(revoked_at, ?) WHERE id = ?').run(revokedAt, keyId).changes > 0);
  }

  async markAdminKeyUsed(keyId: string, now: string): Promise<void> {
    const usedAt = canonicalTimestamp(now);
    await this.write((writer) => {
      writer.statement('UPDATE admin_keys SET last_used_at = ? WHERE id = ?').run(usedAt, keyId);
    });
  }
}
