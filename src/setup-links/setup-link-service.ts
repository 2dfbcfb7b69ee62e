/**
 * Setup links: the operator (admin API, CLI, console) creates one for a
 * tenant and sends it to the customer's IT admin, whose setup portal it
 * opens. A link belongs to one tenant, always expires (7 days by default,
 * at most 30), can be revoked, and is stored only as the keyed hash of its
 * secret. `resolve` and `check` read the link's row on every call (no
 * cache), so a revocation holds from the next request on every instance.
 */
import { randomUUID } from 'node:crypto';
import type { KeyedHasher } from '../auth/keyed-hash.js';
import { sameKeyedHash } from '../auth/keyed-hash.js';
import { scimErrors } from '../core/errors/scim-error.js';
import type { SetupLinkStore, StoredSetupLink } from '../store/setup-link-store.js';
import type { TenantStore } from '../store/store.js';
import { generateSetupLinkSecret, looksLikeSetupLinkSecret } from './setup-link-secret.js';

export const DEFAULT_SETUP_LINK_LIFETIME_MS = 7 * 86_400_000;
/** A link travels by e-mail and opens a tenant's token management: it must not live for months. */
export const MAX_SETUP_LINK_LIFETIME_MS = 30 * 86_400_000;
const MAX_NOTE_LENGTH = 500;
/** How often a link's last use is written, at most (the portal checks the link on every request). */
const LAST_USE_WRITE_INTERVAL_MS = 60_000;

export type SetupLinkStatus = 'active' | 'expired' | 'revoked';

/** A setup link as shown to operators: everything but the hash. */
export interface SetupLinkSummary {
  readonly id: string;
  readonly tenantId: string;
  readonly note: string | undefined;
  readonly status: SetupLinkStatus;
  readonly createdAt: string;
  readonly expiresAt: string;
  readonly revokedAt: string | undefined;
  readonly lastUsedAt: string | undefined;
}

export interface NewSetupLinkResult {
  /** The link's secret, the last segment of its URL: returned this once, only its keyed hash is stored. */
  readonly secret: string;
  readonly summary: SetupLinkSummary;
}

export interface NewSetupLinkOptions {
  /** How long the link works, in milliseconds (default 7 days, at most 30). */
  readonly expiresInMs?: number | undefined;
  /** Or when it stops working (at most 30 days ahead). Not both. */
  readonly expiresAt?: Date | undefined;
  /** For the operator: whom the link went to, or why. */
  readonly note?: string | undefined;
}

/** What a valid link grants: the setup portal of this one tenant, until `expiresAt`. */
export interface SetupLinkGrant {
  readonly tenantId: string;
  readonly linkId: string;
  readonly expiresAt: string;
}

/**
 * Why a link opens nothing:
 * - `unknown`: no such link (mistyped, or its tenant was deleted with its links);
 * - `expired`, `revoked`: the link existed and no longer works;
 * - `tenant_gone`: the link's tenant no longer exists.
 */
export type SetupLinkRefusal = 'unknown' | 'expired' | 'revoked' | 'tenant_gone';

export type SetupLinkResolution = { readonly valid: true; readonly grant: SetupLinkGrant } | { readonly valid: false; readonly reason: SetupLinkRefusal };

/** What the portal tells a person whose link opens nothing: plain words, and what to do. */
export function describeSetupLinkRefusal(reason: SetupLinkRefusal): string {
  switch (reason) {
    case 'unknown':
      return 'This setup link is not valid. Check that you copied the whole link, or ask your provider for a new one.';
    case 'expired':
      return 'This setup link has expired. Ask your provider for a new one.';
    case 'revoked':
      return 'This setup link was withdrawn by your provider. Ask them for a new one.';
    case 'tenant_gone':
      return 'The directory this setup link was made for no longer exists. Ask your provider what to do.';
  }
}

export interface SetupLinkServiceDependencies {
  readonly links: SetupLinkStore;
  readonly tenants: TenantStore;
  readonly hasher: KeyedHasher;
  readonly now: () => Date;
}

export function summarizeSetupLink(link: StoredSetupLink, now: Date): SetupLinkSummary {
  return {
    id: link.id,
    tenantId: link.tenantId,
    note: link.note,
    status: setupLinkStatus(link, now),
    createdAt: link.createdAt,
    expiresAt: link.expiresAt,
    revokedAt: link.revokedAt,
    lastUsedAt: link.lastUsedAt,
  };
}

function setupLinkStatus(link: Pick<StoredSetupLink, 'revokedAt' | 'expiresAt'>, now: Date): SetupLinkStatus {
  if (link.revokedAt !== undefined) return 'revoked';
  return Date.parse(link.expiresAt) > now.getTime() ? 'active' : 'expired';
}

export class SetupLinkService {
  private readonly lastUseWrites = new Map<string, number>();

  constructor(private readonly dependencies: SetupLinkServiceDependencies) {}

  async create(tenantId: string, options: NewSetupLinkOptions = {}): Promise<NewSetupLinkResult> {
    await this.requireTenant(tenantId);
    const now = this.dependencies.now();
    const expiresAt = this.expiryOf(options, now);
    const note = normalizedNote(options.note);
    const secret = generateSetupLinkSecret();
    const link: StoredSetupLink = {
      id: randomUUID(),
      tenantId,
      hash: this.dependencies.hasher.hash(secret),
      note,
      createdAt: now.toISOString(),
      expiresAt: expiresAt.toISOString(),
      revokedAt: undefined,
      lastUsedAt: undefined,
    };
    await this.dependencies.links.insertSetupLink(link);
    return { secret, summary: summarizeSetupLink(link, now) };
  }

  async list(tenantId: string): Promise<SetupLinkSummary[]> {
    await this.requireTenant(tenantId);
    const now = this.dependencies.now();
    return (await this.dependencies.links.listSetupLinks(tenantId)).map((link) => summarizeSetupLink(link, now));
  }

  async get(tenantId: string, linkId: string): Promise<SetupLinkSummary> {
    return summarizeSetupLink(await this.find(tenantId, linkId), this.dependencies.now());
  }

  /** Refused from the next request on, on every instance (links are read on every use). Revoking twice keeps the first time. */
  async revoke(tenantId: string, linkId: string): Promise<SetupLinkSummary> {
    await this.find(tenantId, linkId);
    await this.dependencies.links.revokeSetupLink(tenantId, linkId, this.dependencies.now().toISOString());
    return this.get(tenantId, linkId);
  }

  /** The first visit: what the secret from the link's URL grants, or why it grants nothing. */
  async resolve(secret: string): Promise<SetupLinkResolution> {
    if (!looksLikeSetupLinkSecret(secret)) return { valid: false, reason: 'unknown' };
    const hash = this.dependencies.hasher.hash(secret);
    const link = await this.dependencies.links.findSetupLinkByHash(hash);
    // Compared again in constant time, as tokens are: an adapter's lookup quirk must never let a near-miss in.
    if (link === undefined || !sameKeyedHash(hash, link.hash)) return { valid: false, reason: 'unknown' };
    return this.judge(link);
  }

  /**
   * Every later request of a portal session, which holds the grant rather
   * than the secret: whether the link still grants its tenant now.
   */
  async check(grant: Pick<SetupLinkGrant, 'tenantId' | 'linkId'>): Promise<SetupLinkResolution> {
    const link = await this.dependencies.links.getSetupLink(grant.tenantId, grant.linkId);
    if (link === undefined) {
      // A tenant's links go with it; its absence is the better explanation.
      const tenant = await this.dependencies.tenants.getTenant(grant.tenantId);
      return { valid: false, reason: tenant === undefined ? 'tenant_gone' : 'unknown' };
    }
    return this.judge(link);
  }

  private async judge(link: StoredSetupLink): Promise<SetupLinkResolution> {
    const now = this.dependencies.now();
    const status = setupLinkStatus(link, now);
    if (status !== 'active') return { valid: false, reason: status };
    if ((await this.dependencies.tenants.getTenant(link.tenantId)) === undefined) return { valid: false, reason: 'tenant_gone' };
    this.recordUse(link.id, now);
    return { valid: true, grant: { tenantId: link.tenantId, linkId: link.id, expiresAt: link.expiresAt } };
  }

  private recordUse(linkId: string, now: Date): void {
    const last = this.lastUseWrites.get(linkId) ?? 0;
    if (now.getTime() - last < LAST_USE_WRITE_INTERVAL_MS) return;
    this.lastUseWrites.set(linkId, now.getTime());
    // Last use is informational; a failed write must not fail the page.
    this.dependencies.links.markSetupLinkUsed(linkId, now.toISOString()).catch(() => undefined);
  }

  private expiryOf(options: NewSetupLinkOptions, now: Date): Date {
    if (options.expiresInMs !== undefined && options.expiresAt !== undefined) {
      throw scimErrors.invalidValue('Give an expiry as a duration or as a time, not both');
    }
    let expiresAt: Date;
    if (options.expiresAt !== undefined) {
      expiresAt = options.expiresAt;
      if (Number.isNaN(expiresAt.getTime())) throw scimErrors.invalidValue('The expiry is not a valid time');
    } else {
      const lifetime = options.expiresInMs ?? DEFAULT_SETUP_LINK_LIFETIME_MS;
      if (!Number.isSafeInteger(lifetime) || lifetime <= 0) throw scimErrors.invalidValue('The lifetime of a setup link must be a positive, whole duration');
      if (lifetime > MAX_SETUP_LINK_LIFETIME_MS) throw scimErrors.invalidValue('A setup link can live at most 30 days');
      expiresAt = new Date(now.getTime() + lifetime);
    }
    if (expiresAt.getTime() <= now.getTime()) throw scimErrors.invalidValue(`The expiry ${expiresAt.toISOString()} is not in the future`);
    if (expiresAt.getTime() - now.getTime() > MAX_SETUP_LINK_LIFETIME_MS) {
      throw scimErrors.invalidValue(`The expiry ${expiresAt.toISOString()} is more than 30 days away; a setup link can live at most 30 days`);
    }
    return expiresAt;
  }

  private async requireTenant(tenantId: string): Promise<void> {
    if (!(await this.dependencies.tenants.getTenant(tenantId))) throw scimErrors.notFound(`No tenant "${tenantId.slice(0, 80)}"`);
  }

  private async find(tenantId: string, linkId: string): Promise<StoredSetupLink> {
    await this.requireTenant(tenantId);
    const link = await this.dependencies.links.getSetupLink(tenantId, linkId);
    if (link === undefined) throw scimErrors.notFound(`No setup link "${linkId.slice(0, 80)}" in tenant "${tenantId}"`);
    return link;
  }
}

function normalizedNote(note: string | undefined): string | undefined {
  if (note === undefined) return undefined;
  const trimmed = note.trim();
  if (trimmed.length === 0) return undefined;
  if (trimmed.length > MAX_NOTE_LENGTH || /[\u0000-\u0008\u000b-\u001f\u007f]/.test(trimmed)) {
    throw scimErrors.invalidValue(`A setup link's note must be at most ${MAX_NOTE_LENGTH} characters without control characters`);
  }
  return trimmed;
}
