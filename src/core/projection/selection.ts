import type { AttributeDefinition } from '../schema/attribute.js';
import type { ResolvedAttribute } from '../schema/registry.js';
import type { Projection } from './projection.js';

/** How much of one top-level attribute the output keeps. */
export interface AttributeSelection {
  readonly included: boolean;
  /** For a complex attribute that is included: whether this sub-attribute is kept. */
  includesSubAttribute(subAttribute: AttributeDefinition): boolean;
}

const notSelected: AttributeSelection = Object.freeze({ included: false, includesSubAttribute: () => false });

function lower(text: string): string {
  return text.toLowerCase();
}

function referencesTo(references: readonly ResolvedAttribute[], schemaId: string, attribute: AttributeDefinition): readonly ResolvedAttribute[] {
  const wantedSchema = lower(schemaId);
  const wantedName = lower(attribute.name);
  return references.filter((reference) => lower(reference.schemaId) === wantedSchema && lower(reference.attribute.name) === wantedName);
}

function subAttributeNames(references: readonly ResolvedAttribute[]): ReadonlySet<string> {
  const names = new Set<string>();
  for (const reference of references) if (reference.subAttribute !== undefined) names.add(lower(reference.subAttribute.name));
  return names;
}

function namesSchema(urns: readonly string[], schemaId: string): boolean {
  // Common attributes (schemaId '') belong to no schema, so no URN names them.
  return schemaId !== '' && urns.some((urn) => lower(urn) === lower(schemaId));
}

/**
 * RFC 7643 §7 `returned` for a sub-attribute of an attribute that is output
 * whole: "never" is dropped, "request" only when the client named it.
 */
function wholeAttribute(requestedSubAttributes: ReadonlySet<string>): AttributeSelection {
  return {
    included: true,
    includesSubAttribute: (subAttribute) => {
      if (subAttribute.returned === 'never') return false;
      if (subAttribute.returned === 'request') return requestedSubAttributes.has(lower(subAttribute.name));
      return true;
    },
  };
}

const noNames: ReadonlySet<string> = new Set();

/**
 * Decides what of a top-level attribute is output, from its `returned`
 * characteristic (RFC 7643 §7) and the projection (RFC 7644 §3.4.2.5, §3.9).
 * `schemaId` is the attribute's schema URN, '' for the common attributes.
 */
export function selectAttribute(projection: Projection, schemaId: string, attribute: AttributeDefinition): AttributeSelection {
  if (attribute.returned === 'never') return notSelected;

  if (projection.attributes !== undefined) {
    const named = referencesTo(projection.attributes, schemaId, attribute);
    const namedSubAttributes = subAttributeNames(named);
    // RFC 7643 §7: "always" attributes are returned "regardless of the contents of the attributes parameter".
    if (
      attribute.returned === 'always' ||
      named.some((reference) => reference.subAttribute === undefined) ||
      (attribute.returned !== 'request' && namesSchema(projection.attributeSchemas, schemaId))
    ) {
      return wholeAttribute(namedSubAttributes);
    }
    if (namedSubAttributes.size === 0) return notSelected;
    return {
      included: true,
      includesSubAttribute: (subAttribute) =>
        subAttribute.returned !== 'never' && (subAttribute.returned === 'always' || namedSubAttributes.has(lower(subAttribute.name))),
    };
  }

  if (attribute.returned === 'always') return wholeAttribute(noNames);
  // RFC 7643 §7: "request" attributes are returned in a query "only if specified in the attributes parameter".
  if (attribute.returned === 'request') return notSelected;
  const excluded = referencesTo(projection.excludedAttributes ?? [], schemaId, attribute);
  if (excluded.some((reference) => reference.subAttribute === undefined) || namesSchema(projection.excludedSchemas, schemaId)) {
    return notSelected;
  }
  const excludedSubAttributes = subAttributeNames(excluded);
  const defaults = wholeAttribute(noNames);
  return {
    included: true,
    // RFC 7644 §3.4.2.5: excludedAttributes "SHALL have no effect on attributes whose schema returned setting is always".
    includesSubAttribute: (subAttribute) =>
      defaults.includesSubAttribute(subAttribute) && (subAttribute.returned === 'always' || !excludedSubAttributes.has(lower(subAttribute.name))),
  };
}
