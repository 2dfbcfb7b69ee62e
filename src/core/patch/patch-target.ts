/**
 * What a PATCH path designates (RFC 7644 §3.5.2, Figure 7: `PATH =
 * attrPath / valuePath [subAttr]`), resolved against the resource type's
 * schemas, with the mutability rules that forbid targeting it.
 */
import { ScimError, scimErrors } from '../errors/scim-error.js';
import { attributePathText, type FilterNode, type PatchPathNode } from '../filter/ast.js';
import { compileElementFilter, type ElementMatcher } from '../filter/evaluate.js';
import { printPatchPath } from '../filter/print.js';
import type { AttributeDefinition, SchemaDefinition } from '../schema/attribute.js';
import { SCHEMAS_ATTRIBUTE } from '../schema/common.js';
import type { ResolvedAttribute, ResourceSchemas } from '../schema/registry.js';
import { isPasswordTarget, resolveAttributeReference } from '../resource/attribute-keys.js';
import { findSubAttribute, isGroupMembers } from '../resource/attribute-value.js';

export interface ElementSelection {
  readonly node: FilterNode;
  readonly matches: ElementMatcher;
}

export type PatchTarget =
  /** The User's writeOnly password, kept apart from the attributes. */
  | { readonly kind: 'password'; readonly attribute: ResolvedAttribute }
  /** A whole extension object: path `urn:…:enterprise:2.0:User`. */
  | { readonly kind: 'extension'; readonly schema: SchemaDefinition }
  | {
      readonly kind: 'attribute';
      /** The top-level attribute (never with a sub-attribute). */
      readonly attribute: ResolvedAttribute;
      /** `name.givenName`, `emails[…].value`, `emails.value`. */
      readonly subAttribute: AttributeDefinition | undefined;
      /** The elements selected by `[…]`; undefined means every element. */
      readonly selection: ElementSelection | undefined;
    };

/** The top-level attribute of a resolved reference, as the registry resolves it. */
export function topLevelAttribute(resolved: ResolvedAttribute, schemas: ResourceSchemas): ResolvedAttribute {
  if (resolved.subAttribute === undefined) return resolved;
  const top = schemas.resolve({ schema: resolved.schemaId === '' ? undefined : resolved.schemaId, name: resolved.attribute.name });
  if (!top) throw new TypeError(`The registry cannot resolve its own attribute ${resolved.attribute.name}`);
  return top;
}

export function resolvePatchTarget(path: PatchPathNode, schemas: ResourceSchemas): PatchTarget {
  const node = path.attribute;
  const text = printPatchPath(path);
  if (node.schema !== undefined && node.subAttribute === undefined && path.valueFilter === undefined) {
    const extension = schemas.extension(`${node.schema}:${node.name}`);
    if (extension) return { kind: 'extension', schema: extension };
  }
  const namesSchemas = node.name.toLowerCase() === SCHEMAS_ATTRIBUTE && (node.schema === undefined || schemas.schema(node.schema) === schemas.coreSchema);
  if (namesSchemas) throw scimErrors.mutability(`"${SCHEMAS_ATTRIBUTE}" is maintained by the server from the attributes present`);
  const top = resolveAttributeReference(schemas, { schema: node.schema, name: node.name });
  if (!top) {
    if (node.schema !== undefined && schemas.schema(node.schema) === undefined) {
      throw scimErrors.invalidPath(`Unknown schema "${node.schema}" in path "${text}"`);
    }
    throw scimErrors.invalidPath(`Unknown attribute "${attributePathText(node)}" in path "${text}"`);
  }
  if (node.subAttribute !== undefined && path.valueFilter !== undefined) {
    throw scimErrors.invalidPath(`A value filter "[…]" selects elements of a multi-valued attribute, not of the sub-attribute "${attributePathText(node)}"`);
  }
  const subName = node.subAttribute ?? path.subAttribute;
  let subAttribute: AttributeDefinition | undefined;
  if (subName !== undefined) {
    subAttribute = findSubAttribute(top.attribute, subName);
    if (!subAttribute) throw scimErrors.invalidPath(`Unknown attribute "${top.canonicalPath}.${subName}" in path "${text}"`);
  }
  if (isPasswordTarget(top, schemas)) {
    if (subAttribute !== undefined || path.valueFilter !== undefined) throw scimErrors.invalidPath(`"${top.canonicalPath}" has no sub-attributes or elements`);
    return { kind: 'password', attribute: top };
  }
  // RFC 7644 §3.5.2: "a client MUST NOT modify an attribute that has mutability 'readOnly'".
  if (top.attribute.mutability === 'readOnly') throw readOnly(top.canonicalPath);
  if (subAttribute !== undefined && subAttribute.mutability === 'readOnly') throw readOnly(`${top.canonicalPath}.${subAttribute.name}`);
  if (subAttribute !== undefined && isGroupMembers(top.attribute) && subAttribute.name === '$ref') {
    throw scimErrors.mutability(`"${top.canonicalPath}.$ref" is derived by the server from the member's value`);
  }
  let selection: ElementSelection | undefined;
  if (path.valueFilter !== undefined) {
    if (!top.attribute.multiValued) {
      throw scimErrors.invalidPath(`"${top.canonicalPath}" is not multi-valued; a value filter "[…]" applies only to a multi-valued attribute`);
    }
    selection = { node: path.valueFilter, matches: compileSelection(path.valueFilter, top, schemas) };
  }
  return { kind: 'attribute', attribute: top, subAttribute, selection };
}

/** The filter module reports bad filters as invalidFilter; inside a PATCH path they are invalidPath (§3.5.2). */
function compileSelection(node: FilterNode, attribute: ResolvedAttribute, schemas: ResourceSchemas): ElementMatcher {
  try {
    return compileElementFilter(node, attribute, schemas);
  } catch (error) {
    if (error instanceof ScimError && error.scimType === 'invalidFilter') throw scimErrors.invalidPath(error.detail);
    throw error;
  }
}

function readOnly(path: string): ScimError {
  return scimErrors.mutability(`Attribute "${path}" is readOnly and cannot be modified`);
}
