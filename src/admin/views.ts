/**
 * Admin API representations. Optional timestamps are written as null rather
 * than left out, so scripts read one shape.
 */
import type { NewTokenResult, RotationResult, TokenSummary } from '../auth/token-service.js';
import type { SetupLinkSummary } from '../setup-links/setup-link-service.js';
import type { StoredTenant } from '../store/store.js';
import type { CreatedTenant, TenantDetails } from '../tenancy/tenant-service.js';
import { tenantScimBaseUrl } from '../tenancy/tenant-urls.js';

export function tenantView(tenant: StoredTenant, origin: string) {
  return { id: tenant.id, name: tenant.name, createdAt: tenant.createdAt, scimBaseUrl: tenantScimBaseUrl(origin, tenant.id) };
}

export function tenantDetailsView(details: TenantDetails, origin: string) {
  return { ...tenantView(details.tenant, origin), users: details.users, groups: details.groups, tokens: details.tokens.map(tokenView) };
}

export function createdTenantView(created: CreatedTenant, origin: string) {
  return {
    tenant: created.tenant.id,
    name: created.tenant.name,
    createdAt: created.tenant.createdAt,
    scimBaseUrl: tenantScimBaseUrl(origin, created.tenant.id),
    token: created.firstToken.token,
    tokenId: created.firstToken.summary.id,
  };
}

export function tokenView(token: TokenSummary) {
  return {
    id: token.id,
    tenant: token.tenantId,
    name: token.name,
    prefix: token.prefix,
    status: token.status,
    createdAt: token.createdAt,
    expiresAt: token.expiresAt ?? null,
    revokedAt: token.revokedAt ?? null,
    lastUsedAt: token.lastUsedAt ?? null,
    setupLinkId: token.setupLinkId ?? null,
  };
}

export function issuedTokenView(issued: NewTokenResult) {
  return { ...tokenView(issued.summary), token: issued.token };
}

export function rotatedTokenView(rotated: RotationResult) {
  return { ...issuedTokenView(rotated), previous: tokenView(rotated.previous) };
}

export function setupLinkView(link: SetupLinkSummary) {
  return {
    id: link.id,
    tenant: link.tenantId,
    note: link.note ?? null,
    status: link.status,
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    revokedAt: link.revokedAt ?? null,
    lastUsedAt: link.lastUsedAt ?? null,
  };
}
