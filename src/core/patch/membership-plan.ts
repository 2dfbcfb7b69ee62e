/**
 * Group membership changes as row inserts and deletes. A Group may have up
 * to RESOURCE_LIMITS.maxMembers members; loading them all to add one would
 * make every membership PATCH cost as much as the largest group, so the
 * shapes identity providers use for membership are turned into steps the
 * store applies directly.
 */
import { isScimError } from '../errors/scim-error.js';
import type { FilterNode } from '../filter/ast.js';
import { parsePatchPath, readAttributePath } from '../filter/parser.js';
import type { ResourceTypeName } from '../schema/attribute.js';
import type { ResolvedAttribute, ResourceSchemas } from '../schema/registry.js';
import { isGroupMembers, normalizeAttributeValue, normalizeSingleValue } from '../resource/attribute-value.js';
import { isJsonObject, setOwn, type JsonObject } from '../resource/json-value.js';
import { withOperationIndex, type PatchOperation } from './patch-request.js';

export interface PlannedMember {
  readonly value: string;
  readonly type: ResourceTypeName | undefined;
}

export type MembershipStep =
  | { readonly kind: 'add'; readonly members: readonly PlannedMember[] }
  | { readonly kind: 'remove'; readonly memberIds: readonly string[] }
  | { readonly kind: 'removeAll' }
  | { readonly kind: 'replaceAll'; readonly members: readonly PlannedMember[] };

export interface MembershipPlan {
  steps: MembershipStep[];
  otherOperations: PatchOperation[];
}

/** Not expressible as membership steps: the caller falls back to applyPatch on the full resource. */
const NOT_EXPRESSIBLE = Symbol('not expressible as membership steps');

interface PlannedOperation {
  readonly steps: readonly MembershipStep[];
  readonly rest: PatchOperation | undefined;
}

/**
 * Splits a Group PATCH into membership steps (applied as row inserts/deletes, in order) and the remaining
 * operations (applied with applyPatch on the group without members). Returns undefined when some member
 * operation cannot be expressed as steps (e.g. `members[type eq "Group"]` or `members[value eq "x"].display`);
 * the caller then loads all members and uses applyPatch on the full resource.
 *
 * Steps and the remaining operations touch disjoint data (membership rows,
 * the other attributes), so running all steps and then applyPatch gives the
 * same result as applying the operations in their original order.
 */
export function planMembershipPatch(operations: readonly PatchOperation[], schemas: ResourceSchemas): MembershipPlan | undefined {
  const members = schemas.resolve({ name: 'members' });
  if (members === undefined || !isGroupMembers(members.attribute)) return { steps: [], otherOperations: [...operations] };
  const plan: MembershipPlan = { steps: [], otherOperations: [] };
  for (const operation of operations) {
    let planned: PlannedOperation | typeof NOT_EXPRESSIBLE;
    try {
      planned = planOperation(operation, members, schemas);
    } catch (error) {
      throw withOperationIndex(error, operation.index);
    }
    if (planned === NOT_EXPRESSIBLE) return undefined;
    plan.steps.push(...planned.steps);
    if (planned.rest !== undefined) plan.otherOperations.push(planned.rest);
  }
  return plan;
}

function planOperation(operation: PatchOperation, members: ResolvedAttribute, schemas: ResourceSchemas): PlannedOperation | typeof NOT_EXPRESSIBLE {
  const { op, path, value } = operation;
  if (path === undefined) {
    // A remove without path, or a value that is no object, is an error applyPatch reports.
    if (op === 'remove' || !isJsonObject(value)) return { steps: [], rest: operation };
    return planAttributeObject(operation, value, members, schemas);
  }
  const resolved = schemas.resolve({ schema: path.attribute.schema, name: path.attribute.name });
  if (resolved === undefined || resolved.attribute !== members.attribute) return { steps: [], rest: operation };
  if (path.attribute.subAttribute !== undefined || path.subAttribute !== undefined) return NOT_EXPRESSIBLE;
  if (path.valueFilter !== undefined) {
    if (op !== 'remove') return NOT_EXPRESSIBLE;
    const memberIds = filteredMemberIds(path.valueFilter);
    return memberIds === undefined ? NOT_EXPRESSIBLE : { steps: [{ kind: 'remove', memberIds }], rest: undefined };
  }
  switch (op) {
    case 'add': {
      const added = plannedMembers(value, members);
      return { steps: added.length === 0 ? [] : [{ kind: 'add', members: added }], rest: undefined };
    }
    case 'replace':
      return { steps: [replaceStep(plannedMembers(value, members))], rest: undefined };
    case 'remove': {
      if (value === undefined || value === null) return { steps: [{ kind: 'removeAll' }], rest: undefined };
      const memberIds = listedMemberIds(value, members);
      return memberIds === undefined ? NOT_EXPRESSIBLE : { steps: [{ kind: 'remove', memberIds }], rest: undefined };
    }
  }
}

/** add/replace without path: the `members` key becomes steps, the other keys stay in a no-path operation. */
function planAttributeObject(
  operation: PatchOperation,
  value: JsonObject,
  members: ResolvedAttribute,
  schemas: ResourceSchemas,
): PlannedOperation | typeof NOT_EXPRESSIBLE {
  const steps: MembershipStep[] = [];
  const rest: JsonObject = {};
  for (const [key, member] of Object.entries(value)) {
    // Core attributes nested under the core URN: members there are left to applyPatch.
    if (schemas.schema(key) === schemas.coreSchema && isJsonObject(member) && Object.keys(member).some((name) => keyTargets(name, members, schemas))) {
      return NOT_EXPRESSIBLE;
    }
    const resolved = key.includes('[') ? undefined : schemas.resolvePath(key);
    if (!keyTargets(key, members, schemas)) {
      setOwn(rest, key, member);
      continue;
    }
    if (resolved === undefined || resolved.subAttribute !== undefined) return NOT_EXPRESSIBLE;
    const planned = plannedMembers(member, members);
    if (operation.op === 'replace') steps.push(replaceStep(planned));
    else if (planned.length > 0) steps.push({ kind: 'add', members: planned });
  }
  if (steps.length === 0) return { steps, rest: operation };
  return { steps, rest: Object.keys(rest).length === 0 ? undefined : { ...operation, value: rest } };
}

/**
 * Whether a key of a no-path value names `attribute` (or some of its
 * elements or sub-attributes), read as applyPatch reads it: a key with a
 * value filter by the PATCH path grammar, any other as an attribute path.
 * A key with a value filter that does not parse counts as naming it, so
 * that applyPatch, on the whole resource, is the one to refuse it.
 */
function keyTargets(key: string, attribute: ResolvedAttribute, schemas: ResourceSchemas): boolean {
  if (!key.includes('[')) {
    const path = readAttributePath(key);
    return path === undefined ? false : schemas.resolve(path)?.attribute === attribute.attribute;
  }
  try {
    return schemas.resolve(parsePatchPath(key).attribute)?.attribute === attribute.attribute;
  } catch (error) {
    if (isScimError(error)) return true;
    throw error;
  }
}

function replaceStep(planned: readonly PlannedMember[]): MembershipStep {
  return planned.length === 0 ? { kind: 'removeAll' } : { kind: 'replaceAll', members: planned };
}

/** The members a value lists, checked as applyPatch checks them: each needs a non-empty string `value`. */
function plannedMembers(value: unknown, members: ResolvedAttribute): PlannedMember[] {
  const elements = normalizeAttributeValue(members.attribute, value, members.canonicalPath);
  if (!Array.isArray(elements)) return [];
  return elements.filter(isJsonObject).map((element) => ({
    value: String(element['value']),
    // Normalisation has checked it against the schema's canonical member types.
    type: typeof element['type'] === 'string' ? element['type'] : undefined,
  }));
}

/** Ids listed in a remove's value (`[{"value":"id"}, …]` or bare ids); undefined when an item names no id. */
function listedMemberIds(value: unknown, members: ResolvedAttribute): string[] | undefined {
  const items: readonly unknown[] = Array.isArray(value) ? value : [value];
  const memberIds: string[] = [];
  for (const item of items) {
    const raw = isJsonObject(item) || item === null ? item : { value: item };
    const element = normalizeSingleValue(members.attribute, raw, members.canonicalPath, 'partial');
    if (!isJsonObject(element) || typeof element['value'] !== 'string') return undefined;
    memberIds.push(element['value']);
  }
  return memberIds;
}

/** `value eq "a"` or `value eq "a" or value eq "b" …`; any other filter is not a list of ids. */
function filteredMemberIds(filter: FilterNode): string[] | undefined {
  if (filter.kind === 'Logical') {
    if (filter.operator !== 'or') return undefined;
    const left = filteredMemberIds(filter.left);
    const right = filteredMemberIds(filter.right);
    return left === undefined || right === undefined ? undefined : [...left, ...right];
  }
  if (filter.kind !== 'Comparison' || filter.operator !== 'eq' || typeof filter.value !== 'string') return undefined;
  if (filter.path.schema !== undefined || filter.path.subAttribute !== undefined || filter.path.name.toLowerCase() !== 'value') return undefined;
  return [filter.value];
}
