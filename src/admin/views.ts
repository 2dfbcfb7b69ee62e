/**
 * Admin API representations. Optional timestamps are written as null rather
 * than left out, so scripts read one shape.
 */
import type { IssuedClientSecret, OAuthClientSummary } from '../oauth/oauth-client-service.js';
import type { NewTokenResult, RotationResult, TokenSummary } from '../auth/token-service.js';
import type { SetupLinkSummary } from '../setup-links/setup-link-service.js';
import type { StoredTenant } from '../store/store.js';
import type { HealthRequest, TenantHealth } from '../tenant-health/tenant-health-service.js';
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
export function oauthClientView(client: OAuthClientSummary, tokenEndpoint: string) {
  return {
    clientId: client.clientId,
    tenant: client.tenantId,
    name: client.name,
    status: client.status,
    createdAt: client.createdAt,
    revokedAt: client.revokedAt ?? null,
    tokenEndpoint,
    secrets: client.secrets.map((secret) => ({
      id: secret.id,
      prefix: secret.prefix,
      status: secret.status,
      createdAt: secret.createdAt,
      expiresAt: secret.expiresAt ?? null,
      lastUsedAt: secret.lastUsedAt ?? null,
    })),
  };
}

export function issuedOAuthClientView(issued: IssuedClientSecret, tokenEndpoint: string) {
  return { ...oauthClientView(issued.client, tokenEndpoint), clientSecret: issued.clientSecret };
}

function healthRequestView(request: HealthRequest | undefined) {
  if (request === undefined) return null;
  return {
    occurredAt: request.occurredAt,
    requestId: request.requestId,
    method: request.method,
    path: request.path,
    status: request.status,
    scimType: request.scimType,
    detail: request.detail,
    idp: request.idp,
    expected: request.expected,
  };
}

export function tenantHealthView(health: TenantHealth) {
  return {
    tenant: health.tenantId,
    name: health.tenantName,
    lastRequest: healthRequestView(health.lastRequest),
    lastError: healthRequestView(health.lastError),
    window: health.window,
    users: health.users,
    activeUsers: health.activeUsers,
    groups: health.groups,
    heldDeletions: health.heldDeletions,
    webhooks: health.webhooks,
    consumers: health.consumers,
    attention: health.attention,
  };
}
