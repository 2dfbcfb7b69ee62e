/**
 * Filter attribute names that identity providers use outside RFC 7644, per
 * resource type: a bare name (no URN, no sub-attribute) that is no attribute
 * of the resource type's core schema, and the full path it stands for.
 *
 * Microsoft Entra ID checks a user's manager with
 * `filter=id eq "…" and manager eq "…"` ("Tutorial: Develop and plan
 * provisioning for a SCIM endpoint", Example 4). RFC 7644 §3.10 reads an
 * unqualified name as a core attribute and `manager` exists only in the
 * Enterprise User extension (RFC 7643 §4.3), where it is complex: Entra means
 * its `value`, the manager's id, which is what its PATCH sets. See
 * docs/interop.md, "`manager` in a filter".
 *
 * A fact table rather than a branch on the resource type, so that a new
 * resource type has no alias until one is written down for it.
 */
import type { ResourceTypeName } from '../schema/attribute.js';
import { ENTERPRISE_USER_SCHEMA } from '../schema/enterprise-user.js';

export const FILTER_ATTRIBUTE_ALIASES: Readonly<Partial<Record<ResourceTypeName, Readonly<Record<string, string>>>>> = Object.freeze({
  User: Object.freeze({ manager: `${ENTERPRISE_USER_SCHEMA}:manager.value` }),
  Group: Object.freeze({}),
});

/** The full path a bare filter name stands for on this resource type, if it is an alias (names compare case-insensitively). */
export function filterAttributeAlias(resourceType: ResourceTypeName, name: string): string | undefined {
  const aliases = FILTER_ATTRIBUTE_ALIASES[resourceType];
  if (aliases === undefined) return undefined;
  return Object.hasOwn(aliases, name.toLowerCase()) ? aliases[name.toLowerCase()] : undefined;
}
