/**
 * The setup portal's token management: the customer's IT admin generates a
 * bearer token for their one tenant (shown once), lists that tenant's
 * tokens, rotates one with an overlap, revokes one. It is the operator's
 * TokenService, scoped to the tenant of a setup link that is checked again
 * on every call, so a link revoked or expired mid-session stops here too.
 * Tokens created or rotated here name their setup link (`setupLinkId`), so
 * the operator sees which tokens the customer made.
 */
import type { NewTokenResult, RotationResult, TokenService, TokenSummary } from '../auth/token-service.js';
import { scimErrors } from '../core/errors/scim-error.js';
import { describeSetupLinkRefusal, type SetupLinkGrant, type SetupLinkRefusal, type SetupLinkService } from './setup-link-service.js';

export const DEFAULT_PORTAL_TOKEN_NAME = 'setup portal token';
export const DEFAULT_PORTAL_ROTATION_OVERLAP_MS = 24 * 3_600_000;
/** The longest overlap the portal offers: long enough to reconfigure an IdP, short enough that an old token does not linger. */
export const MAX_PORTAL_ROTATION_OVERLAP_MS = 7 * 86_400_000;

/** The link behind a portal session no longer grants its tenant: the portal shows `message` and ends the session. */
export class SetupLinkRefusedError extends Error {
  readonly reason: SetupLinkRefusal;

  constructor(reason: SetupLinkRefusal) {
    super(describeSetupLinkRefusal(reason));
    this.name = 'SetupLinkRefusedError';
    this.reason = reason;
  }
}

export interface PortalTokenDependencies {
  readonly links: SetupLinkService;
  readonly tokens: TokenService;
}

export class SetupPortalTokens {
  constructor(private readonly dependencies: PortalTokenDependencies) {}

  /** A new token for the link's tenant; its secret is in the result this once. */
  async create(grant: Pick<SetupLinkGrant, 'tenantId' | 'linkId'>, options: { readonly name?: string | undefined } = {}): Promise<NewTokenResult> {
    const tenantId = await this.tenantOf(grant);
    return this.dependencies.tokens.create(tenantId, { name: options.name ?? DEFAULT_PORTAL_TOKEN_NAME, setupLinkId: grant.linkId });
  }

  /** Every token of the link's tenant, the operator's included (never a secret). */
  async list(grant: Pick<SetupLinkGrant, 'tenantId' | 'linkId'>): Promise<TokenSummary[]> {
    return this.dependencies.tokens.list(await this.tenantOf(grant));
  }

  /** A successor now; the old token keeps working for `overlapMs` (default 24 hours, at most 7 days). */
  async rotate(grant: Pick<SetupLinkGrant, 'tenantId' | 'linkId'>, tokenId: string, options: { readonly overlapMs?: number | undefined } = {}): Promise<RotationResult> {
    const tenantId = await this.tenantOf(grant);
    const overlapMs = options.overlapMs ?? DEFAULT_PORTAL_ROTATION_OVERLAP_MS;
    if (overlapMs > MAX_PORTAL_ROTATION_OVERLAP_MS) throw scimErrors.invalidValue('The overlap can be at most 7 days');
    return this.dependencies.tokens.rotate(tenantId, tokenId, { overlapMs, setupLinkId: grant.linkId });
  }

  /** Refused by the SCIM API from the next request on. */
  async revoke(grant: Pick<SetupLinkGrant, 'tenantId' | 'linkId'>, tokenId: string): Promise<TokenSummary> {
    return this.dependencies.tokens.revoke(await this.tenantOf(grant), tokenId);
  }

  private async tenantOf(grant: Pick<SetupLinkGrant, 'tenantId' | 'linkId'>): Promise<string> {
    const resolution = await this.dependencies.links.check(grant);
    if (!resolution.valid) throw new SetupLinkRefusedError(resolution.reason);
    return resolution.grant.tenantId;
  }
}
