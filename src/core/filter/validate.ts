/**
 * Checks a parsed filter against a resource type's schemas (RFC 7644
 * §3.4.2.2) and decides, in one place, which attribute each filter path
 * designates. The in-memory evaluator and the SQL compiler both resolve
 * paths through `resolveFilterAttribute` / `resolveValuePathAttribute` and
 * check comparisons with `checkComparison`, so a filter means the same thing
 * whichever of them runs it, and both reject what this module rejects.
 */
import { isUndeclaredNamespace } from '../resource/undeclared-extensions.js';
import { scimErrors, type ScimError } from '../errors/scim-error.js';
import { attribute, type AttributeDefinition } from '../schema/attribute.js';
import { SCHEMAS_ATTRIBUTE } from '../schema/common.js';
import type { ResolvedAttribute, ResourceSchemas } from '../schema/registry.js';
import { attributePathText, visitFilter, type AttributePathNode, type ComparisonNode, type ComparisonOperator, type FilterNode } from './ast.js';
import { dateTimeInstant } from './compare.js';
import { filterAttributeAlias } from './filter-aliases.js';

/**
 * `schemas` (RFC 7643 §3) is no schema's attribute, yet §3.4.2.2 filters on
 * it (`schemas eq "urn:…:enterprise:2.0:User"`). It is resolved to this
 * multi-valued URI attribute; URNs compare case-insensitively, as the
 * registry does.
 */
const SCHEMAS_DEFINITION = attribute(SCHEMAS_ATTRIBUTE, 'reference', {
  description: 'The schema URIs the resource conforms to.',
  multiValued: true,
  required: true,
  returned: 'always',
  referenceTypes: ['uri'],
});

export const schemasFilterAttribute: ResolvedAttribute = Object.freeze({
  schemaId: '',
  isExtension: false,
  attribute: SCHEMAS_DEFINITION,
  subAttribute: undefined,
  leaf: SCHEMAS_DEFINITION,
  jsonPath: Object.freeze([SCHEMAS_ATTRIBUTE]),
  canonicalPath: SCHEMAS_ATTRIBUTE,
});

const ORDERING_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(['gt', 'ge', 'lt', 'le']);
const SUBSTRING_OPERATORS: ReadonlySet<ComparisonOperator> = new Set(['co', 'sw', 'ew']);

/** Throws invalidFilter unless every path, operator and value of the filter fits the schemas. */
export function validateFilter(node: FilterNode, schemas: ResourceSchemas): void {
  validateNode(node, schemas, undefined);
}

function validateNode(node: FilterNode, schemas: ResourceSchemas, parent: ResolvedAttribute | undefined): void {
  visitFilter<void>(node, {
    comparison: (comparison) => checkComparison(comparison, resolveFilterAttribute(comparison.path, schemas, parent)),
    present: (present) => {
      resolveFilterAttribute(present.path, schemas, parent);
    },
    logical: (logical) => {
      validateNode(logical.left, schemas, parent);
      validateNode(logical.right, schemas, parent);
    },
    not: (negation) => validateNode(negation.filter, schemas, parent),
    valuePath: (valuePath) => {
      if (parent !== undefined) throw nestedValueFilter(valuePath.path);
      validateNode(valuePath.filter, schemas, resolveValuePathAttribute(valuePath.path, schemas));
    },
  });
}

/**
 * The attribute an attribute expression (`attrPath op value`, `attrPath pr`)
 * designates.
 *
 * - Without `parent`, the path is resolved from the resource root: core,
 *   common (`id`, `meta.*`), extension (`urn:…:User:manager.value`) and
 *   `schemas` attributes.
 * - With `parent` (a multi-valued complex attribute), the path is inside
 *   that attribute's value filter and names one of its sub-attributes:
 *   `emails[type eq "work"]` → `emails.type`.
 * - A multi-valued complex attribute with a `value` sub-attribute, named
 *   without a sub-attribute, means its `value`: `emails co "x"` is
 *   `emails.value co "x"` (§3.4.2.2 example filters rely on this).
 *
 * Throws invalidFilter, positioned at the path, when nothing matches.
 */
export function resolveFilterAttribute(path: AttributePathNode, schemas: ResourceSchemas, parent?: ResolvedAttribute): ResolvedAttribute {
  const resolved = parent === undefined ? resolveFromRoot(path, schemas) : resolveInsideValueFilter(path, schemas, parent);
  return checkFilterable(withValueDefault(resolved, schemas), path);
}

/**
 * The attribute before a value filter `attrPath "[" valFilter "]"`: it must
 * be a multi-valued complex attribute named without a sub-attribute.
 */
export function resolveValuePathAttribute(path: AttributePathNode, schemas: ResourceSchemas): ResolvedAttribute {
  if (path.subAttribute !== undefined) {
    throw scimErrors.invalidFilter(
      `A value filter "[…]" selects elements of a multi-valued attribute, not of the sub-attribute "${attributePathText(path)}" (at column ${path.position})`,
    );
  }
  const resolved = checkFilterable(resolveFromRoot(path, schemas), path);
  checkValueFilterTarget(resolved, path.position);
  return resolved;
}

/**
 * Throws invalidFilter unless the attribute can carry a value filter:
 * a multi-valued complex attribute, itself (not one of its sub-attributes).
 * `position` is the column of the path, when there is one to report.
 */
export function checkValueFilterTarget(resolved: ResolvedAttribute, position?: number): void {
  if (resolved.subAttribute !== undefined) {
    throw new TypeError(`A value filter target is a top-level attribute, got the sub-attribute ${resolved.canonicalPath}`);
  }
  if (!resolved.attribute.multiValued || resolved.attribute.type !== 'complex') {
    const kind = resolved.attribute.multiValued ? 'multi-valued but not complex' : 'not multi-valued';
    throw scimErrors.invalidFilter(
      `"${resolved.canonicalPath}" is ${kind}; a value filter "[…]" applies only to a multi-valued complex attribute${at(position)}`,
    );
  }
}

/**
 * Throws invalidFilter when the operator or the value cannot apply to the
 * attribute `comparison.path` resolved to (see RFC 7644 §3.4.2.2, Table 3).
 */
export function checkComparison(comparison: ComparisonNode, resolved: ResolvedAttribute): void {
  const { operator, value } = comparison;
  const leaf = resolved.leaf;
  const name = `"${resolved.canonicalPath}"`;
  const where = at(comparison.path.position);
  if (value === null) {
    if (operator === 'eq' || operator === 'ne') return;
    throw scimErrors.invalidFilter(`Only "eq" and "ne" can compare ${name} to null, not "${operator}"${where}`);
  }
  if (leaf.type === 'complex') {
    const example = leaf.subAttributes?.[0]?.name;
    const suggestion = example === undefined ? '' : `, such as "${resolved.canonicalPath}.${example}"`;
    throw scimErrors.invalidFilter(`${name} is a complex attribute: compare one of its sub-attributes${suggestion}, or use "pr"${where}`);
  }
  if (ORDERING_OPERATORS.has(operator) && (leaf.type === 'boolean' || leaf.type === 'binary')) {
    // §3.4.2.2 (gt, ge, lt, le): "Boolean and Binary attributes SHALL cause
    // a failed response (HTTP status code 400) with "scimType" of "invalidFilter"."
    throw scimErrors.invalidFilter(`The operator "${operator}" cannot order the ${leaf.type} attribute ${name}${where}`);
  }
  const stringLike = leaf.type === 'string' || leaf.type === 'reference' || leaf.type === 'binary';
  if (SUBSTRING_OPERATORS.has(operator) && !stringLike) {
    throw scimErrors.invalidFilter(`The operator "${operator}" applies only to string attributes; ${name} is ${leaf.type}${where}`);
  }
  const expected = expectedValue(leaf, value);
  if (expected !== undefined) {
    throw scimErrors.invalidFilter(`${name} is ${leaf.type === 'integer' ? 'an' : 'a'} ${leaf.type} attribute: compare it to ${expected}, not to ${describeValue(value)}${where}`);
  }
}

/** What the attribute's type calls for, or undefined when `value` fits. */
function expectedValue(leaf: AttributeDefinition, value: string | number | boolean): string | undefined {
  switch (leaf.type) {
    case 'string':
    case 'reference':
    case 'binary':
      return typeof value === 'string' ? undefined : 'a string';
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'true or false';
    case 'integer':
    case 'decimal':
      return typeof value === 'number' ? undefined : 'a number';
    case 'dateTime':
      return typeof value === 'string' && dateTimeInstant(value) !== undefined ? undefined : 'an ISO 8601 date-time string such as "2011-05-13T04:42:34Z"';
    case 'complex':
      return 'nothing';
  }
}

function describeValue(value: string | number | boolean): string {
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return typeof value === 'number' ? `the number ${value}` : `the literal ${String(value)}`;
}

function resolveFromRoot(path: AttributePathNode, schemas: ResourceSchemas): ResolvedAttribute {
  if (path.name.toLowerCase() === SCHEMAS_ATTRIBUTE && (path.schema === undefined || schemas.schema(path.schema) === schemas.coreSchema)) {
    if (path.subAttribute !== undefined) throw noSubAttributes(path, SCHEMAS_ATTRIBUTE);
    return schemasFilterAttribute;
  }
  const resolved = schemas.resolve(path);
  if (resolved) return resolved;
  const aliased = resolveAlias(path, schemas);
  if (aliased) return aliased;
  if (path.schema !== undefined && schemas.schema(path.schema) === undefined) {
    if (isUndeclaredNamespace(path.schema, schemas)) {
      throw scimErrors.invalidFilter(
        `"${path.schema}" is an extension this tenant keeps undeclared: its values are stored as sent, without types to compare them by, so they cannot be filtered until the extension is declared for the tenant (at column ${path.position})`,
      );
    }
    throw scimErrors.invalidFilter(`Unknown schema "${path.schema}" for ${schemas.resourceType.name} resources (at column ${path.position})`);
  }
  const top = schemas.resolve({ schema: path.schema, name: path.name });
  if (!top) {
    throw scimErrors.invalidFilter(`Unknown attribute "${attributeText(path)}" for ${schemas.resourceType.name} resources (at column ${path.position})`);
  }
  if (top.attribute.subAttributes === undefined) throw noSubAttributes(path, top.canonicalPath);
  throw scimErrors.invalidFilter(
    `Unknown sub-attribute "${path.subAttribute ?? ''}" of "${top.canonicalPath}" (at column ${subAttributeColumn(path)})`,
  );
}

/**
 * A bare name that the resource type's alias table maps to a full path
 * (`manager` → `urn:…:enterprise:2.0:User:manager.value` on Users). Only
 * consulted when the name is no attribute of its own, so an alias never
 * shadows a real attribute; it resolves only while the aliased schema is
 * one of the resource type's.
 */
function resolveAlias(path: AttributePathNode, schemas: ResourceSchemas): ResolvedAttribute | undefined {
  if (path.schema !== undefined || path.subAttribute !== undefined) return undefined;
  const target = filterAttributeAlias(schemas.resourceType.name, path.name);
  return target === undefined ? undefined : schemas.resolvePath(target);
}

function resolveInsideValueFilter(path: AttributePathNode, schemas: ResourceSchemas, parent: ResolvedAttribute): ResolvedAttribute {
  if (parent.subAttribute !== undefined) {
    throw new TypeError(`A value filter's parent is a top-level attribute, got the sub-attribute ${parent.canonicalPath}`);
  }
  if (path.schema !== undefined) {
    throw scimErrors.invalidFilter(
      `Inside the value filter of "${parent.canonicalPath}", name a sub-attribute without a schema URN, not "${attributePathText(path)}" (at column ${path.position})`,
    );
  }
  if (path.subAttribute !== undefined) {
    // RFC 7643 §2.3.8: sub-attributes are never complex, so "type.x" names nothing.
    throw scimErrors.invalidFilter(
      `"${parent.canonicalPath}.${path.name}" has no sub-attributes; "${attributePathText(path)}" names nothing (at column ${subAttributeColumn(path)})`,
    );
  }
  if (parent.attribute.subAttributes === undefined) {
    throw scimErrors.invalidFilter(`"${parent.canonicalPath}" has no sub-attributes to filter on (at column ${path.position})`);
  }
  const resolved = schemas.resolve({
    schema: parent.schemaId === '' ? undefined : parent.schemaId,
    name: parent.attribute.name,
    subAttribute: path.name,
  });
  if (!resolved) {
    throw scimErrors.invalidFilter(`Unknown sub-attribute "${path.name}" of "${parent.canonicalPath}" (at column ${path.position})`);
  }
  return resolved;
}

function withValueDefault(resolved: ResolvedAttribute, schemas: ResourceSchemas): ResolvedAttribute {
  const top = resolved.attribute;
  if (resolved.subAttribute !== undefined || !top.multiValued || top.type !== 'complex') return resolved;
  if (!top.subAttributes?.some((sub) => sub.name === 'value')) return resolved;
  return (
    schemas.resolve({ schema: resolved.schemaId === '' ? undefined : resolved.schemaId, name: top.name, subAttribute: 'value' }) ?? resolved
  );
}

/**
 * Attributes that are never returned (RFC 7643 §2.2 `returned: never`,
 * `mutability: writeOnly`, e.g. `password`) cannot be filtered on: a match
 * would reveal what the server must not return, and `password` is stored
 * only as a hash that no filter value can be compared with.
 */
function checkFilterable(resolved: ResolvedAttribute, path: AttributePathNode): ResolvedAttribute {
  for (const definition of [resolved.attribute, resolved.leaf]) {
    if (definition.returned === 'never' || definition.mutability === 'writeOnly') {
      throw scimErrors.invalidFilter(`"${resolved.canonicalPath}" is never returned and cannot be used in a filter (at column ${path.position})`);
    }
  }
  return resolved;
}

function noSubAttributes(path: AttributePathNode, canonicalName: string): ScimError {
  return scimErrors.invalidFilter(
    `"${canonicalName}" has no sub-attributes; "${attributePathText(path)}" names nothing (at column ${subAttributeColumn(path)})`,
  );
}

function nestedValueFilter(path: AttributePathNode): ScimError {
  return scimErrors.invalidFilter(`Value filters cannot be nested: "${attributePathText(path)}[…]" (at column ${path.position})`);
}

function attributeText(path: AttributePathNode): string {
  return path.schema === undefined ? path.name : `${path.schema}:${path.name}`;
}

/** The column of the sub-attribute: the parser keeps the client's spelling, so lengths add up. */
function subAttributeColumn(path: AttributePathNode): number {
  return path.position + attributeText(path).length + 1;
}

function at(position: number | undefined): string {
  return position === undefined ? '' : ` (at column ${position})`;
}
