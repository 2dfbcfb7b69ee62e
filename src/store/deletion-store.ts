/**
 * What the delete policy and the mass-deprovisioning safeguard keep
 * (src/services/deletion): a tenant's settings and counting window, and the
 * users that left SCIM but whose data is still kept (soft-deleted, or held
 * by the safeguard). Every method joins the transaction running in its
 * async context, so a delete, its archive row and its events commit together.
 */
import type { ResourceAttributes } from './store.js';

export type DeletePolicy = 'hard' | 'soft';

export interface DeletionSettings {
  /** `hard`: DELETE removes the user (default); `soft`: it is kept `softDeleteDays` days, then purged. */
  readonly deletePolicy: DeletePolicy;
  readonly softDeleteDays: number;
  readonly safeguard: SafeguardSettings;
}

export interface SafeguardSettings {
  readonly enabled: boolean;
  /** Trips when more hard deletions than this share of the tenant's users… */
  readonly percent: number;
  /** …and than this many… */
  readonly minimum: number;
  /** …happen within this many minutes. */
  readonly windowMinutes: number;
}

export const DEFAULT_DELETION_SETTINGS: DeletionSettings = Object.freeze({
  deletePolicy: 'hard',
  softDeleteDays: 30,
  safeguard: Object.freeze({ enabled: true, percent: 10, minimum: 25, windowMinutes: 60 }),
});

/** The safeguard's counting window as stored, and whether it tripped. */
export interface SafeguardWindow {
  /** When the window began (its first counted deletion); undefined before any. */
  readonly startedAt: string | undefined;
  /** How many users the tenant held when the window began. */
  readonly users: number;
  /** Hard deletions counted in the window. */
  readonly deletions: number;
  /** Set from the deletion beyond the threshold until an operator decides. */
  readonly trippedAt: string | undefined;
}

export interface TenantDeletionState {
  readonly settings: DeletionSettings;
  readonly window: SafeguardWindow;
}

export type ArchivedState = 'soft' | 'held';

/** A user that left SCIM with its data kept. */
export interface ArchivedUser {
  readonly tenantId: string;
  readonly id: string;
  readonly externalId: string | undefined;
  readonly state: ArchivedState;
  readonly attributes: ResourceAttributes;
  readonly passwordHash: string | undefined;
  readonly created: string;
  readonly lastModified: string;
  readonly version: number;
  /** Its direct groups when it was deleted. */
  readonly groupIds: readonly string[];
  /** The SCIM root of the deleting request, for the `meta.location` of the events told later. */
  readonly baseUrl: string;
  readonly deletedAt: string;
  /** Soft deletions: when the data goes. Held ones: undefined until an operator decides. */
  readonly purgeAfter: string | undefined;
}

export interface DeletionStore {
  /** The tenant's settings and window (defaults when it never changed them). */
  state(tenantId: string): Promise<TenantDeletionState>;
  /** Writes the tenant's settings, keeping its window. */
  saveSettings(tenantId: string, settings: DeletionSettings): Promise<void>;
  /**
   * The tenant's state with its row locked until the transaction ends (call
   * inside one): guarded deletions of one tenant are counted one at a time.
   */
  lockState(tenantId: string): Promise<TenantDeletionState>;
  saveWindow(tenantId: string, window: SafeguardWindow): Promise<void>;
  /** How many Users the tenant holds, as of the transaction's start. */
  countUsers(tenantId: string): Promise<number>;

  archive(user: ArchivedUser): Promise<void>;
  /** The most recently deleted archived user with this externalId, if any. */
  findByExternalId(tenantId: string, externalId: string): Promise<ArchivedUser | undefined>;
  /** Removes the archive rows of these ids (restored or purged). */
  remove(tenantId: string, ids: readonly string[]): Promise<number>;
  /** The tenant's held users, oldest deletion first, at most `limit`. */
  listHeld(tenantId: string, limit: number): Promise<readonly ArchivedUser[]>;
  countHeld(tenantId: string): Promise<number>;
  /** Soft-deleted users whose time is up (`purgeAfter` ≤ `now`), of any tenant, at most `limit`, locked for this transaction. */
  listDue(now: string, limit: number): Promise<readonly ArchivedUser[]>;
  /**
   * Sets the `created` and `version` of a restored user's row (it was
   * inserted afresh), so its id, creation time and versions go on.
   */
  restoreMeta(tenantId: string, id: string, created: string, version: number): Promise<void>;
  /** Of these userNames (case-insensitively), those a user of the tenant holds. */
  takenUserNames(tenantId: string, userNames: readonly string[]): Promise<ReadonlySet<string>>;
}
