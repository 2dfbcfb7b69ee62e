/**
 * Tenants, tokens and admin keys, written once for every database. Reads go
 * through `sessions.current()`, writes through `sessions.write()`: inside
 * `store.transaction` both run on the transaction's session, so they see
 * its writes, commit or roll back with it, and never wait for a lock it
 * holds.
 */
import { scimErrors } from '../../core/errors/scim-error.js';
import { canonicalTimestamp } from '../rows.js';
import type { NewAdminKey, NewToken, StoredAdminKey, StoredTenant, StoredToken, TenantStore, TokenUse } from '../store.js';
import {
  ADMIN_KEY_COLUMNS,
  adminKeyFromRow,
  TENANT_COLUMNS,
  tenantFromRow,
  TOKEN_COLUMNS,
  tokenFromRow,
  type AdminKeyRow,
  type TenantRow,
  type TokenRow,
} from '../tenant-rows.js';
import { joinSql, parameter, sql, type SqlFragment } from './fragment.js';
import type { SqlSession, SqlSessions } from './session.js';

/**
 * The bearer lookup every request without a cached token runs, exported so
 * that the query plan tests check this very statement. An access token of an
 * OAuth client (src/oauth) is no better than the client and secret that
 * issued it: their revocation and expiry are read with the row, so a token
 * issued while its client was being revoked cannot outlive it. Bearer tokens
 * have no secret: both joins find nothing.
 */
export const TOKEN_STATEMENTS = Object.freeze({
  byHash: (hash: string) => sql`SELECT t.id, t.tenant_id, t.name, t.prefix, t.hash, t.created_at,
  CASE WHEN s.expires_at IS NOT NULL AND (t.expires_at IS NULL OR s.expires_at < t.expires_at) THEN s.expires_at ELSE t.expires_at END AS expires_at,
  COALESCE(t.revoked_at, c.revoked_at) AS revoked_at, t.last_used_at, t.setup_link_id
FROM tokens t LEFT JOIN oauth_client_secrets s ON s.id = t.oauth_secret_id LEFT JOIN oauth_clients c ON c.client_id = s.client_id
WHERE t.hash = ${parameter(hash)}`,
});

export class SqlTenantStore implements TenantStore {
  constructor(private readonly sessions: SqlSessions) {}

  async ensureTenant(tenantId: string, name: string, now: string): Promise<void> {
    const createdAt = canonicalTimestamp(now);
    this.checkWritable(tenantId, name);
    const { dialect } = this.sessions;
    await this.sessions.write((session) =>
      session.run(sql`INSERT INTO tenants (id, name, created_at) VALUES (${parameter(tenantId)}, ${parameter(name)}, ${parameter(createdAt)})${dialect.onDuplicateIgnore(['id'])}`),
    );
  }

  async createTenant(tenantId: string, name: string, now: string): Promise<StoredTenant> {
    const createdAt = canonicalTimestamp(now);
    this.checkWritable(tenantId, name);
    try {
      await this.sessions.write((session) =>
        session.run(sql`INSERT INTO tenants (id, name, created_at) VALUES (${parameter(tenantId)}, ${parameter(name)}, ${parameter(createdAt)})`),
      );
    } catch (error) {
      // The primary key decides, so two concurrent creates of one id get one success and one 409.
      if (this.sessions.failure(error).kind === 'unique') throw scimErrors.uniqueness(`A tenant "${tenantId}" already exists`);
      throw error;
    }
    return { id: tenantId, name, createdAt };
  }

  async getTenant(tenantId: string): Promise<StoredTenant | undefined> {
    if (!this.storable(tenantId)) return undefined;
    const row = await this.sessions.current().first<TenantRow>(sql`SELECT ${TENANT_COLUMNS} FROM tenants WHERE id = ${parameter(tenantId)}`);
    return row === undefined ? undefined : tenantFromRow(row);
  }

  async listTenants(): Promise<readonly StoredTenant[]> {
    const rows = await this.sessions.current().all<TenantRow>(sql`SELECT ${TENANT_COLUMNS} FROM tenants ORDER BY id`);
    return rows.map(tenantFromRow);
  }

  /** Users, groups, tokens, emails, memberships, events and webhooks go with the tenant row through ON DELETE CASCADE, in this one statement. */
  async deleteTenant(tenantId: string): Promise<boolean> {
    if (!this.storable(tenantId)) return false;
    return this.changeCredentials(sql`DELETE FROM tenants WHERE id = ${parameter(tenantId)}`);
  }

  async countResources(tenantId: string): Promise<{ readonly users: number; readonly groups: number }> {
    if (!this.storable(tenantId)) return { users: 0, groups: 0 };
    const tenant = parameter(tenantId);
    // count(*) is a bigint on PostgreSQL and MySQL, which their drivers return as text.
    const row = await this.sessions
      .current()
      .first<{ user_count: unknown; group_count: unknown }>(
        // Aliases are not named like tables: the table prefix would rename them (src/store/sql/table-names.ts).
        sql`SELECT (SELECT count(*) FROM users WHERE tenant_id = ${tenant}) AS user_count, (SELECT count(*) FROM "groups" WHERE tenant_id = ${tenant}) AS group_count`,
      );
    return { users: Number(row?.user_count ?? 0), groups: Number(row?.group_count ?? 0) };
  }

  async insertToken(token: NewToken): Promise<void> {
    const createdAt = canonicalTimestamp(token.createdAt);
    const expiresAt = token.expiresAt === undefined ? null : canonicalTimestamp(token.expiresAt);
    this.checkWritable(token.id, token.tenantId, token.name, token.prefix, token.hash, token.setupLinkId ?? '');
    const values = [token.id, token.tenantId, token.name, token.prefix, token.hash, createdAt, expiresAt, token.setupLinkId ?? null].map(parameter);
    await this.insertCredential(
      sql`INSERT INTO tokens (id, tenant_id, name, prefix, hash, created_at, expires_at, setup_link_id) VALUES (${joinSql(values, ', ')})`,
    );
  }

  async findTokenByHash(hash: string): Promise<StoredToken | undefined> {
    if (!this.storable(hash)) return undefined;
    const row = await this.sessions.current().first<TokenRow>(TOKEN_STATEMENTS.byHash(hash));
    return row === undefined ? undefined : tokenFromRow(row);
  }

  async listTokens(tenantId: string): Promise<readonly StoredToken[]> {
    if (!this.storable(tenantId)) return [];
    const rows = await this.sessions.current().all<TokenRow>(sql`SELECT ${TOKEN_COLUMNS} FROM tokens WHERE tenant_id = ${parameter(tenantId)} AND oauth_secret_id IS NULL ORDER BY created_at, id`);
    return rows.map(tokenFromRow);
  }

  /** True when the token exists in the tenant; revoking twice keeps the first revocation time. */
  async revokeToken(tenantId: string, tokenId: string, now: string): Promise<boolean> {
    const revokedAt = canonicalTimestamp(now);
    if (!this.storable(tenantId, tokenId)) return false;
    return this.changeCredentials(
      sql`UPDATE tokens SET revoked_at = COALESCE(revoked_at, ${parameter(revokedAt)}) WHERE tenant_id = ${parameter(tenantId)} AND id = ${parameter(tokenId)}`,
    );
  }

  async expireToken(tenantId: string, tokenId: string, expiresAt: string): Promise<boolean> {
    const at = canonicalTimestamp(expiresAt);
    if (!this.storable(tenantId, tokenId)) return false;
    return this.changeCredentials(sql`UPDATE tokens SET expires_at = ${parameter(at)} WHERE tenant_id = ${parameter(tenantId)} AND id = ${parameter(tokenId)}`);
  }

  async markTokenUsed(tokenId: string, now: string): Promise<void> {
    await this.markTokensUsed([{ tokenId, usedAt: now }]);
  }

  /** One transaction for all: a commit per token would cost a write per request once thousands of tenants' tokens are in use. */
  async markTokensUsed(uses: readonly TokenUse[]): Promise<void> {
    const storable = uses.filter((use) => this.storable(use.tokenId)).map((use) => ({ tokenId: use.tokenId, usedAt: canonicalTimestamp(use.usedAt) }));
    if (storable.length === 0) return;
    await this.sessions.write(async (session) => {
      for (const { tokenId, usedAt } of storable) await session.run(sql`UPDATE tokens SET last_used_at = ${parameter(usedAt)} WHERE id = ${parameter(tokenId)}`);
    });
  }

  async insertAdminKey(key: NewAdminKey): Promise<void> {
    const createdAt = canonicalTimestamp(key.createdAt);
    this.checkWritable(key.id, key.name, key.prefix, key.hash);
    const values = [key.id, key.name, key.prefix, key.hash, createdAt].map(parameter);
    await this.insertCredential(sql`INSERT INTO admin_keys (id, name, prefix, hash, created_at) VALUES (${joinSql(values, ', ')})`);
  }

  async findAdminKeyByHash(hash: string): Promise<StoredAdminKey | undefined> {
    if (!this.storable(hash)) return undefined;
    const row = await this.sessions.current().first<AdminKeyRow>(sql`SELECT ${ADMIN_KEY_COLUMNS} FROM admin_keys WHERE hash = ${parameter(hash)}`);
    return row === undefined ? undefined : adminKeyFromRow(row);
  }

  async listAdminKeys(): Promise<readonly StoredAdminKey[]> {
    const rows = await this.sessions.current().all<AdminKeyRow>(sql`SELECT ${ADMIN_KEY_COLUMNS} FROM admin_keys ORDER BY created_at, id`);
    return rows.map(adminKeyFromRow);
  }

  /** Admin keys are checked on every admin request, not cached, so their revocation needs no signal. */
  async revokeAdminKey(keyId: string, now: string): Promise<boolean> {
    const revokedAt = canonicalTimestamp(now);
    if (!this.storable(keyId)) return false;
    const changed = await this.sessions.write((session) =>
      session.run(sql`UPDATE admin_keys SET revoked_at = COALESCE(revoked_at, ${parameter(revokedAt)}) WHERE id = ${parameter(keyId)}`),
    );
    return changed > 0;
  }

  async markAdminKeyUsed(keyId: string, now: string): Promise<void> {
    const usedAt = canonicalTimestamp(now);
    if (!this.storable(keyId)) return;
    await this.sessions.write((session) => session.run(sql`UPDATE admin_keys SET last_used_at = ${parameter(usedAt)} WHERE id = ${parameter(keyId)}`));
  }

  /**
   * A change that can end a credential's validity, and the database's
   * signal of it in the same transaction: the signal reaches the other
   * instances when, and only if, the change commits, and each then drops
   * its cache of authenticated tokens. True when a row changed.
   */
  private changeCredentials(change: SqlFragment): Promise<boolean> {
    const signal = this.sessions.afterCredentialChange;
    return this.sessions.write(async (session: SqlSession) => {
      const changed = (await session.run(change)) > 0;
      if (changed && signal !== undefined) await session.all(signal);
      return changed;
    });
  }

  /**
   * A token or admin key row. A taken id or hash, or a tenant that does not
   * exist, is the calling code's mistake (ids and secrets are random, the
   * tenant is ensured first), hence a TypeError rather than a SCIM error.
   */
  private async insertCredential(insert: SqlFragment): Promise<void> {
    try {
      await this.sessions.write((session) => session.run(insert));
    } catch (error) {
      const failure = this.sessions.failure(error);
      if (failure.kind === 'unique') throw new TypeError(`A credential with this id or hash already exists (${failure.constraint ?? 'unique key'})`);
      if (failure.kind === 'foreignKey') throw new TypeError('The tenant does not exist: call tenants.ensureTenant or tenants.createTenant first');
      throw error;
    }
  }

  /**
   * Whether the database can hold these values: text holding U+0000 cannot
   * be bound where `textCanHoldNul` is false, and no stored key holds it
   * there, so a lookup by such a key finds nothing without asking.
   */
  private storable(...values: readonly string[]): boolean {
    return this.sessions.dialect.textCanHoldNul || !values.some((value) => value.includes('\u0000'));
  }

  /** Values entering a write: where they cannot be stored, holding U+0000 is the caller's mistake (tenant ids and names are validated before). */
  private checkWritable(...values: readonly string[]): void {
    if (!this.storable(...values)) throw new TypeError('Tenant, token and key fields cannot contain U+0000');
  }
}
