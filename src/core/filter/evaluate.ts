/**
 * In-memory evaluation of a filter against a resource in canonical JSON form
 * (RFC 7644 §3.4.2.2). The SQL compiler MUST implement exactly these rules;
 * any difference makes a filter match different resources depending on the
 * store.
 *
 * Paths. Each attribute expression is resolved with `resolveFilterAttribute`
 * (validate.ts), which also applies the `value` default (`emails` means
 * `emails.value`) and rejects what cannot be filtered. Evaluation checks
 * the filter the same way `validateFilter` does, so an invalid filter throws
 * invalidFilter here too, even against a resource that lacks the attribute.
 *
 * Values of a path. Following the resolved `jsonPath` from the resource root
 * (or, inside a value filter, from the element), every array met on the way
 * is flattened: `emails.value` yields each element's value, `schemas` each
 * URI. `null` and absent values are dropped. A value of the wrong JSON type
 * for the attribute (say, a number stored in a string attribute) never
 * matches any comparison, but counts for `pr`.
 *
 * Rules, for a path whose values are V (possibly empty):
 * - `pr`: true iff some value in V is present. A value is present unless it
 *   is "", an empty array, or an object none of whose members is present.
 *   (RFC 7643 §2.5 treats unassigned, null and [] alike.) RFC 7644
 *   §3.4.2.2: "If the attribute has a non-empty value, or if it contains a
 *   non-empty node for complex attributes, there is a match": so a complex
 *   attribute without a `value` sub-attribute (`addresses`, `name`) is
 *   present when one of its elements (or the object itself) holds a present
 *   sub-attribute; `addresses: [{}]` and `name: {"givenName": ""}` are not.
 *   Elements of a multi-valued complex attribute that are not objects never
 *   count, as in value filters.
 * - `eq null`: exactly `not (path pr)` — true when the attribute is absent,
 *   null, "", [] or {}.
 * - `ne null`: exactly `path pr`.
 * - `eq v`, `co`, `sw`, `ew`, `gt`, `ge`, `lt`, `le` with v not null: true
 *   iff SOME value in V satisfies it. Missing attribute (V empty): false.
 *   A multi-valued attribute matches when any element matches.
 * - `ne v` with v not null, single-valued attribute (or a sub-attribute
 *   inside a value filter): exactly `not (path eq v)`, so an absent value is
 *   `ne` anything.
 * - `ne v` with v not null, multi-valued attribute: RFC 7644 §3.4.2.2, "If
 *   the specified attribute in a filter expression is a multi-valued
 *   attribute, the filter matches if any of the values of the specified
 *   attribute match the specified criterion". So `emails.type ne "home"`
 *   holds when SOME element's type is not "home" by the single-valued rule,
 *   exactly as `emails[type ne "home"]` does: a user with a work and a home
 *   email matches, and so does one with an email that has no type. A user
 *   with no emails has no value to match, and does not match (as with every
 *   other comparison operator). `not (emails.type eq "home")` remains the
 *   negation: no email has type "home", which a user without emails meets.
 * - `and`, `or`, `not` are boolean operators over these results (two-valued
 *   logic: there is no "unknown").
 * - `attr[filter]`: true iff ONE AND THE SAME element of `attr` satisfies
 *   the whole inner filter; inside it, paths are the element's
 *   sub-attributes and the rules above apply per element. Elements that are
 *   not objects never match.
 *
 * Comparisons, by the type of the attribute the path designates:
 * - string, reference, binary: on the text lowercased with `toLowerCase()`
 *   on both sides, unless the attribute is caseExact (then exact). `co`,
 *   `sw`, `ew` are substring, prefix and suffix tests; `gt`/`ge`/`lt`/`le`
 *   order by Unicode code point (`compareCodePoints`, UTF-8 byte order).
 *   `co ""`, `sw ""`, `ew ""` match every string value.
 * - integer, decimal: numeric comparison.
 * - boolean: `eq` / `ne` only.
 * - dateTime: compares instants (`dateTimeInstant`), not strings; a stored
 *   value that is not a valid date-time never matches.
 */
import { scimErrors } from '../errors/scim-error.js';
import type { AttributeDefinition } from '../schema/attribute.js';
import type { ResolvedAttribute, ResourceSchemas } from '../schema/registry.js';
import { attributePathText, visitFilter, type ComparisonNode, type ComparisonOperator, type FilterNode } from './ast.js';
import { compareCodePoints, dateTimeInstant, foldCase } from './compare.js';
import { checkComparison, checkValueFilterTarget, resolveFilterAttribute, resolveValuePathAttribute } from './validate.js';

export type ResourceMatcher = (resource: Readonly<Record<string, unknown>>) => boolean;
export type ElementMatcher = (element: unknown) => boolean;

type Matcher = (subject: unknown) => boolean;

/**
 * Resolves and checks the filter once, returning a predicate to run over
 * many resources (throws invalidFilter like `validateFilter`).
 */
export function compileFilter(node: FilterNode, schemas: ResourceSchemas): ResourceMatcher {
  return compileNode(node, schemas, undefined);
}

export function evaluateFilter(node: FilterNode, resource: Readonly<Record<string, unknown>>, schemas: ResourceSchemas): boolean {
  return compileFilter(node, schemas)(resource);
}

/**
 * Compiles a value-path filter (the part inside `[...]`) for the elements of
 * `multiValuedAttribute`, a resolved multi-valued complex attribute without
 * sub-attribute (e.g. `emails`, or `members` of a Group).
 */
export function compileElementFilter(node: FilterNode, multiValuedAttribute: ResolvedAttribute, schemas: ResourceSchemas): ElementMatcher {
  checkValueFilterTarget(multiValuedAttribute);
  const inner = compileNode(node, schemas, multiValuedAttribute);
  return (element) => isRecord(element) && inner(element);
}

/** Evaluates a value-path filter (the part inside [...]) against ONE element of a multi-valued attribute. */
export function evaluateElementFilter(node: FilterNode, element: unknown, multiValuedAttribute: ResolvedAttribute, schemas: ResourceSchemas): boolean {
  return compileElementFilter(node, multiValuedAttribute, schemas)(element);
}

/**
 * `parent` is set inside a value filter: the subject is then one element of
 * the parent attribute, and paths are followed from that element.
 */
function compileNode(node: FilterNode, schemas: ResourceSchemas, parent: ResolvedAttribute | undefined): Matcher {
  return visitFilter<Matcher>(node, {
    comparison: (comparison) => {
      const resolved = resolveFilterAttribute(comparison.path, schemas, parent);
      checkComparison(comparison, resolved);
      return compileComparison(comparison, resolved, relativePath(resolved, parent), parent !== undefined);
    },
    present: (present) => {
      const resolved = resolveFilterAttribute(present.path, schemas, parent);
      return presence(resolved, relativePath(resolved, parent));
    },
    logical: (logical) => {
      const left = compileNode(logical.left, schemas, parent);
      const right = compileNode(logical.right, schemas, parent);
      return logical.operator === 'and' ? (subject) => left(subject) && right(subject) : (subject) => left(subject) || right(subject);
    },
    not: (negation) => {
      const inner = compileNode(negation.filter, schemas, parent);
      return (subject) => !inner(subject);
    },
    valuePath: (valuePath) => {
      if (parent !== undefined) {
        throw scimErrors.invalidFilter(`Value filters cannot be nested: "${attributePathText(valuePath.path)}[…]" (at column ${valuePath.path.position})`);
      }
      const resolved = resolveValuePathAttribute(valuePath.path, schemas);
      const inner = compileNode(valuePath.filter, schemas, resolved);
      return (subject) => valuesAt(subject, resolved.jsonPath).some((element) => isRecord(element) && inner(element));
    },
  });
}

/** The keys from the subject to the attribute: from the root, or from an element of `parent`. */
function relativePath(resolved: ResolvedAttribute, parent: ResolvedAttribute | undefined): readonly string[] {
  return parent === undefined ? resolved.jsonPath : resolved.jsonPath.slice(parent.jsonPath.length);
}

function compileComparison(comparison: ComparisonNode, resolved: ResolvedAttribute, path: readonly string[], insideValueFilter: boolean): Matcher {
  const { operator, value } = comparison;
  if (value === null) {
    const present = presence(resolved, path);
    return operator === 'eq' ? (subject) => !present(subject) : present;
  }
  if (operator === 'ne') {
    const equals = valueTest(resolved.leaf, 'eq', value);
    // Inside a value filter `path` is relative to one element, and what it
    // names is single-valued there (RFC 7643 §2.3.8: sub-attributes are not multi-valued).
    if (!resolved.attribute.multiValued || insideValueFilter) return (subject) => !valuesAt(subject, path).some(equals);
    // Some element whose value (the element itself, or its sub-attribute) is not v.
    if (resolved.subAttribute === undefined) return (subject) => valuesAt(subject, path).some((element) => !equals(element));
    const elementsPath = path.slice(0, -1);
    const memberPath = path.slice(-1);
    return (subject) => valuesAt(subject, elementsPath).some((element) => isRecord(element) && !valuesAt(element, memberPath).some(equals));
  }
  const test = valueTest(resolved.leaf, operator, value);
  return (subject) => valuesAt(subject, path).some(test);
}

/**
 * `pr` of the attribute at `path`. The elements of a multi-valued complex
 * attribute named as a whole (`addresses`, which has no `value` to stand
 * for it) count only when they are objects.
 */
function presence(resolved: ResolvedAttribute, path: readonly string[]): Matcher {
  const wholeComplexElements = resolved.attribute.multiValued && resolved.attribute.type === 'complex' && resolved.subAttribute === undefined;
  if (wholeComplexElements) return (subject) => valuesAt(subject, path).some((element) => isRecord(element) && isPresent(element));
  return (subject) => valuesAt(subject, path).some(isPresent);
}

type ValueTest = (candidate: unknown) => boolean;

/** The test one value of the attribute must pass; `checkComparison` has vetted the operator and value. */
function valueTest(leaf: AttributeDefinition, operator: ComparisonOperator, value: string | number | boolean): ValueTest {
  switch (leaf.type) {
    case 'string':
    case 'reference':
    case 'binary': {
      const wanted = foldCase(String(value), leaf.caseExact);
      const matches = stringTest(operator, wanted);
      return (candidate) => typeof candidate === 'string' && matches(foldCase(candidate, leaf.caseExact));
    }
    case 'boolean':
      return (candidate) => candidate === value;
    case 'integer':
    case 'decimal': {
      const wanted = Number(value);
      return (candidate) => typeof candidate === 'number' && order(operator, candidate - wanted);
    }
    case 'dateTime': {
      const wanted = dateTimeInstant(String(value));
      if (wanted === undefined) return () => false;
      return (candidate) => {
        const instant = typeof candidate === 'string' ? dateTimeInstant(candidate) : undefined;
        return instant !== undefined && order(operator, instant - wanted);
      };
    }
    case 'complex':
      return () => false;
  }
}

function stringTest(operator: ComparisonOperator, wanted: string): (candidate: string) => boolean {
  switch (operator) {
    case 'co':
      return (candidate) => candidate.includes(wanted);
    case 'sw':
      return (candidate) => candidate.startsWith(wanted);
    case 'ew':
      return (candidate) => candidate.endsWith(wanted);
    default:
      return (candidate) => order(operator, compareCodePoints(candidate, wanted));
  }
}

/** Applies an equality or ordering operator to the sign of `candidate - wanted`. */
function order(operator: ComparisonOperator, difference: number): boolean {
  switch (operator) {
    case 'eq':
      return difference === 0;
    case 'ne':
      return difference !== 0;
    case 'gt':
      return difference > 0;
    case 'ge':
      return difference >= 0;
    case 'lt':
      return difference < 0;
    case 'le':
      return difference <= 0;
    default:
      return false;
  }
}

/** The non-null values at `path` under `subject`, with every array on the way flattened. */
function valuesAt(subject: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [subject];
  for (const key of path) {
    const next: unknown[] = [];
    for (const holder of current) {
      if (!isRecord(holder) || !Object.hasOwn(holder, key)) continue;
      const child = holder[key];
      if (Array.isArray(child)) {
        for (const element of child) next.push(element);
      } else {
        next.push(child);
      }
    }
    current = next;
  }
  return current.filter((candidate) => candidate !== undefined && candidate !== null);
}

function isPresent(candidate: unknown): boolean {
  if (candidate === undefined || candidate === null) return false;
  if (typeof candidate === 'string') return candidate.length > 0;
  if (Array.isArray(candidate)) return candidate.some(isPresent);
  if (typeof candidate === 'object') return Object.values(candidate).some(isPresent);
  return true;
}

function isRecord(candidate: unknown): candidate is Readonly<Record<string, unknown>> {
  return typeof candidate === 'object' && candidate !== null && !Array.isArray(candidate);
}
