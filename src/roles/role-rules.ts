/**
 * Group → role mapping as pure rules: which groups a rule names, and a
 * user's effective roles from the groups they belong to (directly or
 * through nested groups). No database here; the store keeps the result
 * per user (src/store/sql/role-store.ts) and the writes that change a
 * user's groups, a group's names or the rules recompute it.
 */
import { scimErrors } from '../core/errors/scim-error.js';
import type { ResourceTypeName } from '../core/schema/attribute.js';

/** What a rule compares a group on. An `id` rule survives renames; a `displayName` rule follows the name. */
export const MATCH_KINDS = ['displayName', 'externalId', 'id'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** The resource type whose resources hold roles; groups of any depth give them. */
export const ROLE_HOLDER_TYPE = 'User' satisfies ResourceTypeName;

/** The group attributes a rule can name that a write may change: a change to one may move roles. */
export const RENAMING_ATTRIBUTES: readonly string[] = MATCH_KINDS.filter((kind) => kind !== 'id');

export interface RoleMapping {
  readonly id: string;
  readonly matchBy: MatchKind;
  /** As the operator wrote it. */
  readonly matchValue: string;
  readonly role: string;
  /** Lower first: a user's roles are listed in this order, the first is their primary role. */
  readonly precedence: number;
  readonly createdAt: string;
}

/** A tenant's rules and the role of users no rule gives any. */
export interface RoleRules {
  readonly mappings: readonly RoleMapping[];
  readonly defaultRole: string | null;
}

/** A group as the rules see it. */
export interface RoleSourceGroup {
  readonly id: string;
  readonly displayName: string | null;
  readonly externalId: string | null;
}

/** A user whose effective roles changed, before and after. */
export interface RoleChange {
  readonly userId: string;
  readonly before: readonly string[];
  readonly after: readonly string[];
}

/** Role names are the app's own vocabulary: short printable text, compared exactly. */
export const MAX_ROLE_LENGTH = 100;
/** Group displayNames, externalIds and ids a rule names. */
export const MAX_MATCH_VALUE_LENGTH = 255;
export const MAX_PRECEDENCE = 1_000_000;

/** How a rule's value is compared: displayName case-insensitively (RFC 7643 §4.2: not caseExact), the others exactly. */
export function matchKey(matchBy: MatchKind, value: string): string {
  return matchBy === 'displayName' ? value.toLowerCase() : value;
}

function groupKey(group: RoleSourceGroup, matchBy: MatchKind): string | undefined {
  const value = { displayName: group.displayName, externalId: group.externalId, id: group.id }[matchBy];
  return value === null ? undefined : matchKey(matchBy, value);
}

/**
 * The roles of a user in these groups: every rule matching one of them,
 * ordered by precedence then role name, each role once (at its best
 * precedence); the default role when no rule matches.
 */
export function effectiveRoles(groups: readonly RoleSourceGroup[], rules: RoleRules): string[] {
  const best = new Map<string, number>();
  for (const mapping of rules.mappings) {
    const wanted = matchKey(mapping.matchBy, mapping.matchValue);
    if (!groups.some((group) => groupKey(group, mapping.matchBy) === wanted)) continue;
    const known = best.get(mapping.role);
    if (known === undefined || mapping.precedence < known) best.set(mapping.role, mapping.precedence);
  }
  if (best.size === 0) return rules.defaultRole === null ? [] : [rules.defaultRole];
  return [...best.entries()].sort(([roleA, a], [roleB, b]) => a - b || (roleA < roleB ? -1 : roleA > roleB ? 1 : 0)).map(([role]) => role);
}

export function sameRoles(left: readonly string[], right: readonly string[]): boolean {
  return left.length === right.length && left.every((role, index) => role === right[index]);
}

/** Text that cannot be stored or shown safely: control characters (U+0000 included), or only spaces. */
function unusableText(value: string): boolean {
  // eslint-disable-next-line no-control-regex
  return value.trim() === '' || /[\u0000-\u001f\u007f]/u.test(value);
}

/** A role name as the operator gave it, checked: `400 invalidValue` naming the problem. */
export function checkRoleName(role: unknown, what = 'role'): string {
  if (typeof role !== 'string') throw scimErrors.invalidValue(`${what} must be a string`);
  if (unusableText(role)) throw scimErrors.invalidValue(`${what} must be printable text, not empty and without control characters`);
  if (role.length > MAX_ROLE_LENGTH) throw scimErrors.invalidValue(`${what} is longer than ${MAX_ROLE_LENGTH} characters`);
  return role;
}

export interface NewRoleMappingInput {
  readonly matchBy: MatchKind;
  readonly matchValue: string;
  readonly role: string;
  readonly precedence: number;
}

/** A rule as an operator asked for it (admin API body, CLI options), checked. Precedence defaults to 100. */
export function checkRoleMapping(input: { matchBy?: unknown; matchValue?: unknown; role?: unknown; precedence?: unknown }): NewRoleMappingInput {
  const { matchBy, matchValue, precedence } = input;
  if (typeof matchBy !== 'string' || !(MATCH_KINDS as readonly string[]).includes(matchBy)) {
    throw scimErrors.invalidValue(`matchBy must be one of ${MATCH_KINDS.join(', ')}`);
  }
  if (typeof matchValue !== 'string' || unusableText(matchValue)) throw scimErrors.invalidValue('matchValue must be printable text, not empty and without control characters');
  // The compared form too: lower-casing lengthens a few characters (U+0130), and the stored key has the same bound.
  if (matchValue.length > MAX_MATCH_VALUE_LENGTH || matchKey(matchBy as MatchKind, matchValue).length > MAX_MATCH_VALUE_LENGTH) {
    throw scimErrors.invalidValue(`matchValue is longer than ${MAX_MATCH_VALUE_LENGTH} characters`);
  }
  const role = checkRoleName(input.role);
  const order = precedence ?? 100;
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 0 || order > MAX_PRECEDENCE) {
    throw scimErrors.invalidValue(`precedence must be a whole number from 0 to ${MAX_PRECEDENCE}`);
  }
  return { matchBy: matchBy as MatchKind, matchValue, role, precedence: order };
}
