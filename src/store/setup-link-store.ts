/**
 * Setup links as stored (src/setup-links): a link to the setup portal of one
 * tenant, held as the keyed hash of its secret, never the secret itself.
 */

export interface StoredSetupLink {
  readonly id: string;
  readonly tenantId: string;
  readonly hash: string;
  /** The operator's note (whom the link was sent to, why). */
  readonly note: string | undefined;
  readonly createdAt: string;
  /** Every link expires. */
  readonly expiresAt: string;
  readonly revokedAt: string | undefined;
  readonly lastUsedAt: string | undefined;
}

export type NewSetupLink = Omit<StoredSetupLink, 'revokedAt' | 'lastUsedAt'>;

export interface SetupLinkStore {
  /** A taken id or hash, or a missing tenant, is the caller's mistake: TypeError. */
  insertSetupLink(link: NewSetupLink): Promise<void>;
  findSetupLinkByHash(hash: string): Promise<StoredSetupLink | undefined>;
  /** The link of this id in this tenant only. */
  getSetupLink(tenantId: string, linkId: string): Promise<StoredSetupLink | undefined>;
  /** The tenant's links, oldest first. */
  listSetupLinks(tenantId: string): Promise<readonly StoredSetupLink[]>;
  /** True when the link exists in the tenant; revoking twice keeps the first revocation time. */
  revokeSetupLink(tenantId: string, linkId: string, now: string): Promise<boolean>;
  markSetupLinkUsed(linkId: string, now: string): Promise<void>;
}
