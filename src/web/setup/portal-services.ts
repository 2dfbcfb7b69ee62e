/**
 * What the setup portal and the console's setup-link section need from the
 * setup-link services, as the pages see them: resolving a link's secret on
 * the first visit, checking the grant again on every later request, and
 * the tenant's tokens through the link.
 */
import type { NewTokenResult, RotationResult, TokenSummary } from '../../auth/token-service.js';

/** What a valid link grants: one tenant, until the link expires. */
export interface SetupGrant {
  readonly tenantId: string;
  readonly linkId: string;
  readonly expiresAt: string;
}

export type SetupLinkRefusal = 'unknown' | 'expired' | 'revoked' | 'tenant_gone';

export type SetupLinkResolution = { readonly valid: true; readonly grant: SetupGrant } | { readonly valid: false; readonly reason: SetupLinkRefusal };

export interface SetupLinkSummaryView {
  readonly id: string;
  readonly tenantId: string;
  readonly note: string | undefined;
  readonly status: 'active' | 'expired' | 'revoked';
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | undefined;
  readonly lastUsedAt: string | undefined;
}

export interface SetupLinks {
  create(tenantId: string, options?: { readonly expiresInMs?: number | undefined; readonly note?: string | undefined }): Promise<{ readonly secret: string; readonly summary: SetupLinkSummaryView }>;
  list(tenantId: string): Promise<readonly SetupLinkSummaryView[]>;
  revoke(tenantId: string, linkId: string): Promise<SetupLinkSummaryView>;
  resolve(secret: string): Promise<SetupLinkResolution>;
  check(grant: Pick<SetupGrant, 'tenantId' | 'linkId'>): Promise<SetupLinkResolution>;
}

type GrantRef = Pick<SetupGrant, 'tenantId' | 'linkId'>;

export interface PortalTokens {
  create(grant: GrantRef, options?: { readonly name?: string | undefined }): Promise<NewTokenResult>;
  list(grant: GrantRef): Promise<readonly TokenSummary[]>;
  rotate(grant: GrantRef, tokenId: string, options?: { readonly overlapMs?: number | undefined }): Promise<RotationResult>;
  revoke(grant: GrantRef, tokenId: string): Promise<TokenSummary>;
}

