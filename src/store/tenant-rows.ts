/**
 * Between tenant, token and admin-key table rows and the port's objects:
 * every database has the same columns, holding timestamps as ISO-8601 text,
 * so the column lists and mappers live here once.
 */
import { rawSql } from './sql/fragment.js';
import type { StoredAdminKey, StoredTenant, StoredToken } from './store.js';

/** A `tokens` row as selected with TOKEN_COLUMNS; absent timestamps are NULL. */
export interface TokenRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly revoked_at: string | null;
  readonly last_used_at: string | null;
  readonly setup_link_id: string | null;
}

export const TOKEN_COLUMNS = rawSql('id, tenant_id, name, prefix, hash, created_at, expires_at, revoked_at, last_used_at, setup_link_id');

export function tokenFromRow(row: TokenRow): StoredToken {
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
    setupLinkId: row.setup_link_id ?? undefined,
  };
}

/** A `tenants` row as selected with TENANT_COLUMNS. */
export interface TenantRow {
  readonly id: string;
  readonly name: string;
  readonly created_at: string;
}

export const TENANT_COLUMNS = rawSql('id, name, created_at');

export function tenantFromRow(row: TenantRow): StoredTenant {
  return { id: row.id, name: row.name, createdAt: row.created_at };
}

/** An `admin_keys` row as selected with ADMIN_KEY_COLUMNS; absent timestamps are NULL. */
export interface AdminKeyRow {
  readonly id: string;
  readonly name: string;
  readonly prefix: string;
  readonly hash: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
  readonly last_used_at: string | null;
}

export const ADMIN_KEY_COLUMNS = rawSql('id, name, prefix, hash, created_at, revoked_at, last_used_at');

export function adminKeyFromRow(row: AdminKeyRow): StoredAdminKey {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    createdAt: row.created_at,
    revokedAt: row.revoked_at ?? undefined,
    lastUsedAt: row.last_used_at ?? undefined,
  };
}
