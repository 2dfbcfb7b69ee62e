/**
 * Tenants, tokens and admin keys. Every method is one statement, atomic by
 * itself; inside `store.transaction` it runs on the transaction's
 * connection (as the SQLite store joins the running transaction), so it
 * commits or rolls back with it and never waits for a lock that transaction holds.
 */
import { scimErrors } from '../../core/errors/scim-error.js';
import type { NewAdminKey, NewToken, StoredAdminKey, StoredTenant, StoredToken, TenantStore } from '../store.js';
import { ADMIN_KEY_COLUMNS, TOKEN_COLUMNS, adminKeyFromRow, tenantFromRow, tokenFromRow, type AdminKeyRow, type TenantRow, type TokenRow } from '../tenant-rows.js';
import type { Queryable } from './pool.js';
import { translateConstraintError } from './postgres-errors.js';
import { CREDENTIALS_CHANNEL } from './credential-watch.js';
import { canonicalTimestamp, hasNul } from './resource-rows.js';

/** Text to be written: U+0000 cannot be stored in PostgreSQL, and in these values it is the caller's mistake. */
function checkWritable(...values: readonly string[]): void {
  if (hasNul(...values)) throw new TypeError('Tenant, token and key fields cannot contain U+0000');
}

export class PostgresTenantStore implements TenantStore {
  /** `queryable` gives the running transaction's connection inside `store.transaction`, the pool elsewhere. */
  constructor(private readonly queryable: () => Queryable) {}

  async ensureTenant(tenantId: string, name: string, now: string): Promise<void> {
    const createdAt = canonicalTimestamp(now);
    const queryable = this.queryable();
    checkWritable(tenantId, name);
    await queryable.query('INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [tenantId, name, createdAt]);
  }

  async createTenant(tenantId: string, name: string, now: string): Promise<StoredTenant> {
    const createdAt = canonicalTimestamp(now);
    const queryable = this.queryable();
    checkWritable(tenantId, name);
    const inserted = await queryable.query('INSERT INTO tenants (id, name, created_at) VALUES ($1, $2, $3) ON CONFLICT (id) DO NOTHING', [tenantId, name, createdAt]);
    if (inserted.rowCount === 0) throw scimErrors.uniqueness(`A tenant "${tenantId}" already exists`);
    return { id: tenantId, name, createdAt };
  }

  async getTenant(tenantId: string): Promise<StoredTenant | undefined> {
    const queryable = this.queryable();
    if (hasNul(tenantId)) return undefined;
    const { rows } = await queryable.query<TenantRow>('SELECT id, name, created_at FROM tenants WHERE id = $1', [tenantId]);
    const row = rows[0];
    return row === undefined ? undefined : tenantFromRow(row);
  }

  async listTenants(): Promise<readonly StoredTenant[]> {
    const { rows } = await this.queryable().query<TenantRow>('SELECT id, name, created_at FROM tenants ORDER BY id');
    return rows.map(tenantFromRow);
  }

  /** Users, groups, tokens, emails and memberships go with the tenant row through ON DELETE CASCADE, in this one statement. */
  async deleteTenant(tenantId: string): Promise<boolean> {
    const queryable = this.queryable();
    if (hasNul(tenantId)) return false;
    return changedAndNotified(await queryable.query(withCredentialsNotice('DELETE FROM tenants WHERE id = $1'), [tenantId]));
  }

  async countResources(tenantId: string): Promise<{ readonly users: number; readonly groups: number }> {
    const queryable = this.queryable();
    if (hasNul(tenantId)) return { users: 0, groups: 0 };
    // count(*) is bigint, which node-postgres returns as a string.
    const { rows } = await queryable.query<{ users: string; groups: string }>(
      'SELECT (SELECT count(*) FROM users WHERE tenant_id = $1) AS users, (SELECT count(*) FROM groups WHERE tenant_id = $1) AS groups',
      [tenantId],
    );
    return { users: Number(rows[0]?.users ?? 0), groups: Number(rows[0]?.groups ?? 0) };
  }

  async insertToken(token: NewToken): Promise<void> {
    const createdAt = canonicalTimestamp(token.createdAt);
    const expiresAt = token.expiresAt === undefined ? null : canonicalTimestamp(token.expiresAt);
    const queryable = this.queryable();
    checkWritable(token.id, token.tenantId, token.name, token.prefix, token.hash);
    try {
      await queryable.query('INSERT INTO tokens (id, tenant_id, name, prefix, hash, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
        token.id,
        token.tenantId,
        token.name,
        token.prefix,
        token.hash,
        createdAt,
        expiresAt,
      ]);
    } catch (error) {
      throw translateConstraintError(error, undefined);
    }
  }

  async findTokenByHash(hash: string): Promise<StoredToken | undefined> {
    const queryable = this.queryable();
    if (hasNul(hash)) return undefined;
    const { rows } = await queryable.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE hash = $1`, [hash]);
    const row = rows[0];
    return row === undefined ? undefined : tokenFromRow(row);
  }

  async listTokens(tenantId: string): Promise<readonly StoredToken[]> {
    const queryable = this.queryable();
    if (hasNul(tenantId)) return [];
    const { rows } = await queryable.query<TokenRow>(`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE tenant_id = $1 ORDER BY created_at, id`, [tenantId]);
    return rows.map(tokenFromRow);
  }

  /** True when the token exists in the tenant; revoking twice keeps the first revocation time. */
  async revokeToken(tenantId: string, tokenId: string, now: string): Promise<boolean> {
    const revokedAt = canonicalTimestamp(now);
    const queryable = this.queryable();
    if (hasNul(tenantId, tokenId)) return false;
    return changedAndNotified(
      await queryable.query(withCredentialsNotice('UPDATE tokens SET revoked_at = COALESCE(revoked_at, $1) WHERE tenant_id = $2 AND id = $3'), [revokedAt, tenantId, tokenId]),
    );
  }

  async expireToken(tenantId: string, tokenId: string, expiresAt: string): Promise<boolean> {
    const at = canonicalTimestamp(expiresAt);
    const queryable = this.queryable();
    if (hasNul(tenantId, tokenId)) return false;
    return changedAndNotified(await queryable.query(withCredentialsNotice('UPDATE tokens SET expires_at = $1 WHERE tenant_id = $2 AND id = $3'), [at, tenantId, tokenId]));
  }

  async markTokenUsed(tokenId: string, now: string): Promise<void> {
    const usedAt = canonicalTimestamp(now);
    const queryable = this.queryable();
    if (hasNul(tokenId)) return;
    await queryable.query('UPDATE tokens SET last_used_at = $1 WHERE id = $2', [usedAt, tokenId]);
  }

  async insertAdminKey(key: NewAdminKey): Promise<void> {
    const createdAt = canonicalTimestamp(key.createdAt);
    const queryable = this.queryable();
    checkWritable(key.id, key.name, key.prefix, key.hash);
    try {
      await queryable.query('INSERT INTO admin_keys (id, name, prefix, hash, created_at) VALUES ($1, $2, $3, $4, $5)', [key.id, key.name, key.prefix, key.hash, createdAt]);
    } catch (error) {
      throw translateConstraintError(error, undefined);
    }
  }

  async findAdminKeyByHash(hash: string): Promise<StoredAdminKey | undefined> {
    const queryable = this.queryable();
    if (hasNul(hash)) return undefined;
    const { rows } = await queryable.query<AdminKeyRow>(`SELECT ${ADMIN_KEY_COLUMNS} FROM admin_keys WHERE hash = $1`, [hash]);
    const row = rows[0];
    return row === undefined ? undefined : adminKeyFromRow(row);
  }

  async listAdminKeys(): Promise<readonly StoredAdminKey[]> {
    const { rows } = await this.queryable().query<AdminKeyRow>(`SELECT ${ADMIN_KEY_COLUMNS} FROM admin_keys ORDER BY created_at, id`);
    return rows.map(adminKeyFromRow);
  }

  async revokeAdminKey(keyId: string, now: string): Promise<boolean> {
    const revokedAt = canonicalTimestamp(now);
    const queryable = this.queryable();
    if (hasNul(keyId)) return false;
    const result = await queryable.query('UPDATE admin_keys SET revoked_at = COALESCE(revoked_at, $1) WHERE id = $2', [revokedAt, keyId]);
    return (result.rowCount ?? 0) > 0;
  }

  async markAdminKeyUsed(keyId: string, now: string): Promise<void> {
    const usedAt = canonicalTimestamp(now);
    const queryable = this.queryable();
    if (hasNul(keyId)) return;
    await queryable.query('UPDATE admin_keys SET last_used_at = $1 WHERE id = $2', [usedAt, keyId]);
  }
}

/**
 * The statement `change` (an UPDATE or DELETE of credentials) with a
 * NOTIFY on CREDENTIALS_CHANNEL in the same statement, hence the same
 * transaction: PostgreSQL delivers the notice when, and only if, the change
 * commits, to every instance listening (credential-watch.ts), which then
 * drops its cache of authenticated tokens.
 */
function withCredentialsNotice(change: string): string {
  return `WITH changed AS (${change} RETURNING 1) SELECT (SELECT count(*) FROM changed) AS changed, pg_notify('${CREDENTIALS_CHANNEL}', '') AS notified`;
}

function changedAndNotified(result: { rows: { changed?: unknown }[] }): boolean {
  return Number(result.rows[0]?.changed ?? 0) > 0;
}
