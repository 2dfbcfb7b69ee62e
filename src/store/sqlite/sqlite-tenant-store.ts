import type { NewToken, StoredToken, TenantStore } from '../store.js';
import type { SqliteConnection } from './connection.js';
import { canonicalTimestamp } from './resource-rows.js';
import { translateConstraintError } from './sqlite-errors.js';

interface TokenRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
  readonly last_used_at: string | null;
}

const TOKEN_COLUMNS = 'id, tenant_id, name, prefix, hash, created_at, expires_at, revoked_at, last_used_at';

function tokenFromRow(row: TokenRow): StoredToken {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at ?? undefined,
    revokedAt: row.revoked_at ?? undefined,
    lastUsedAt: row.last_used_at ?? undefined,
  };
}

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
}
