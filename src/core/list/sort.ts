import { isUndeclaredNamespace } from '../resource/undeclared-extensions.js';
import { scimErrors } from '../errors/scim-error.js';
import { parseAttributePath } from '../filter/parser.js';
import type { ResolvedAttribute, ResourceSchemas } from '../schema/registry.js';
import { quoteValue } from './parameters.js';

/** Same shape as the store's SortSpec (src/store/store.ts), which the core cannot import. */
export interface ListSort {
  readonly attribute: ResolvedAttribute;
  readonly order: 'ascending' | 'descending';
}

/**
 * RFC 7644 §3.4.2.3 names no error for a bad sortBy. Table 9 (§3.12) lists
 * invalidValue as applicable to GET §3.4.2 while invalidPath is PATCH-only,
 * so every sortBy problem is `400 invalidValue`.
 */
function resolveSortAttribute(sortBy: string, schemas: ResourceSchemas): ResolvedAttribute {
  const path = parseAttributePath(sortBy, (message) =>
    scimErrors.invalidValue(`sortBy ${quoteValue(sortBy)} is not an attribute name in standard attribute notation (RFC 7644 §3.10): ${message}`),
  );
  const resolved = schemas.resolve(path);
  if (resolved === undefined) {
    if (path.schema !== undefined && isUndeclaredNamespace(path.schema, schemas)) {
      throw scimErrors.invalidValue(`sortBy ${quoteValue(sortBy)} is in "${path.schema}", an extension this tenant keeps undeclared (untyped); declare it for the tenant to sort by it`);
    }
    throw scimErrors.invalidValue(`sortBy ${quoteValue(sortBy)} names no attribute of ${schemas.resourceType.name}`);
  }
  // Ordering by a value that is never returned would disclose it bit by bit.
  if (resolved.attribute.returned === 'never' || resolved.leaf.returned === 'never') {
    throw scimErrors.invalidValue(`sortBy ${quoteValue(sortBy)} names an attribute that is never returned`);
  }
  // §3.4.2.3: "If the attribute is complex, the attribute name must be a path
  // to a sub-attribute"; a multi-valued one sorts by its primary value, which
  // for a complex multi-valued attribute is its `value` sub-attribute.
  if (resolved.leaf.type === 'complex') {
    const sortsByValue = resolved.leaf.multiValued && resolved.leaf.subAttributes?.some((sub) => sub.name === 'value') === true;
    if (!sortsByValue) {
      throw scimErrors.invalidValue(`sortBy ${quoteValue(sortBy)} is a complex attribute; name one of its sub-attributes, e.g. ${resolved.canonicalPath}.${resolved.leaf.subAttributes?.[0]?.name ?? 'value'}`);
    }
  }
  return resolved;
}

/**
 * §3.4.2.3: sortOrder is "ascending" or "descending" (compared
 * case-insensitively here) and defaults to ascending; without sortBy it has
 * nothing to order and is ignored, whatever its value.
 */
export function parseSort(sortBy: string | undefined, sortOrder: string | undefined, schemas: ResourceSchemas): ListSort | undefined {
  if (sortBy === undefined) return undefined;
  let order: ListSort['order'] = 'ascending';
  if (sortOrder !== undefined) {
    const lowered = sortOrder.trim().toLowerCase();
    if (lowered !== 'ascending' && lowered !== 'descending') {
      throw scimErrors.invalidValue(`sortOrder must be "ascending" or "descending", got ${quoteValue(sortOrder)}`);
    }
    order = lowered;
  }
  return { attribute: resolveSortAttribute(sortBy, schemas), order };
}
