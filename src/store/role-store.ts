/**
 * The storage of group → role mapping (src/roles): a tenant's rules and
 * default role, and each user's effective roles as last computed. Called
 * inside `store.transaction`, every method runs on that transaction's
 * session, so roles are recomputed in the transaction of the change that
 * affects them and commit or roll back with it.
 */
import type { NewRoleMappingInput, RoleChange, RoleMapping, RoleRules } from '../roles/role-rules.js';

export interface NewRoleMapping extends NewRoleMappingInput {
  readonly tenantId: string;
  readonly id: string;
  readonly createdAt: string;
}

export interface RoleStore {
  /** The tenant's rules in precedence order (then role, then id), and its default role. */
  rules(tenantId: string): Promise<RoleRules>;
  /** Throws `409 uniqueness` when the same group match already gives this role. */
  insertMapping(mapping: NewRoleMapping): Promise<RoleMapping>;
  /** Returns the rule removed, or undefined if there was none. */
  deleteMapping(tenantId: string, mappingId: string): Promise<RoleMapping | undefined>;
  setDefaultRole(tenantId: string, role: string | null): Promise<void>;
  /** The stored effective roles of these users; users without a row (none, or not yet computed) are absent. */
  rolesOf(tenantId: string, userIds: readonly string[]): Promise<ReadonlyMap<string, readonly string[]>>;
  /** The users in these groups, directly or through nested groups. */
  usersBeneath(tenantId: string, groupIds: readonly string[]): Promise<readonly string[]>;
  /** Every user of the tenant, by id. */
  usersOfTenant(tenantId: string): Promise<readonly string[]>;
  /**
   * Computes these users' roles from their groups and the tenant's rules
   * now, stores them, and returns the users whose roles changed. Ids of
   * users that do not exist are skipped. Locks the users' role rows in id
   * order, so concurrent changes to one user's groups queue up and the
   * later one computes from what the earlier one committed. `created`
   * names users created in this transaction: while the tenant has no
   * rules their roles are none, which having no row says, so nothing is
   * read or written for them.
   */
  recompute(tenantId: string, userIds: readonly string[], created?: ReadonlySet<string>): Promise<readonly RoleChange[]>;
}
