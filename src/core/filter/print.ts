/**
 * Canonical text of a filter or PATCH path: lowercase operators and
 * literals, one space between tokens, strings and numbers as JSON, and
 * parentheses only where precedence needs them (always around a `not`
 * operand, which the grammar requires). For every tree the parser can
 * produce, `parseFilter(printFilter(ast))` rebuilds the same tree
 * (positions aside), so printed filters can be logged, compared and replayed.
 */
import { visitFilter, type AttributePathNode, type ComparisonValue, type FilterNode, type PatchPathNode } from './ast.js';

/** Binding strength: a higher number binds tighter. */
const PRECEDENCE = { or: 1, and: 2, operand: 3 } as const;

const ATTRIBUTE_NAME = /^(?:[A-Za-z][A-Za-z0-9_-]*|\$ref)$/i;
const SCHEMA_URN = /^urn(?::[A-Za-z0-9._-]+)+$/i;

export function printFilter(node: FilterNode): string {
  return printExpression(node, false);
}

export function printPatchPath(node: PatchPathNode): string {
  const attribute = printAttributePath(node.attribute);
  if (node.valueFilter === undefined) {
    if (node.subAttribute !== undefined) throw new TypeError('A PATCH path has a sub-attribute after "]" only when it has a value filter');
    return attribute;
  }
  const filter = `${attribute}[${printExpression(node.valueFilter, true)}]`;
  if (node.subAttribute === undefined) return filter;
  checkAttributeName(node.subAttribute);
  return `${filter}.${node.subAttribute}`;
}

/** The path as written in a filter; throws TypeError for a name the grammar could not read back. */
export function printAttributePath(path: AttributePathNode): string {
  if (path.schema !== undefined && !SCHEMA_URN.test(path.schema)) throw new TypeError(`Not a schema URN: ${JSON.stringify(path.schema)}`);
  checkAttributeName(path.name);
  if (path.subAttribute !== undefined) checkAttributeName(path.subAttribute);
  const base = path.schema === undefined ? path.name : `${path.schema}:${path.name}`;
  return path.subAttribute === undefined ? base : `${base}.${path.subAttribute}`;
}

/** compValue as JSON text; `-0` keeps its sign so that printing round-trips. */
export function printComparisonValue(value: ComparisonValue): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`A filter number must be finite, got ${String(value)}`);
    return Object.is(value, -0) ? '-0' : JSON.stringify(value);
  }
  return JSON.stringify(value);
}

function checkAttributeName(name: string): void {
  if (!ATTRIBUTE_NAME.test(name)) throw new TypeError(`Not an attribute name: ${JSON.stringify(name)}`);
}

function precedenceOf(node: FilterNode): number {
  return node.kind === 'Logical' ? PRECEDENCE[node.operator] : PRECEDENCE.operand;
}

function printExpression(node: FilterNode, insideValueFilter: boolean): string {
  return visitFilter<string>(node, {
    comparison: (comparison) => `${printAttributePath(comparison.path)} ${comparison.operator} ${printComparisonValue(comparison.value)}`,
    present: (present) => `${printAttributePath(present.path)} pr`,
    logical: (logical) => {
      const precedence = PRECEDENCE[logical.operator];
      // Both operators are left-associative: a right operand of equal
      // precedence needs parentheses, a left one does not.
      const left = printOperand(logical.left, precedenceOf(logical.left) < precedence, insideValueFilter);
      const right = printOperand(logical.right, precedenceOf(logical.right) <= precedence, insideValueFilter);
      return `${left} ${logical.operator} ${right}`;
    },
    not: (negation) => `not (${printExpression(negation.filter, insideValueFilter)})`,
    valuePath: (valuePath) => {
      if (insideValueFilter) throw new TypeError('Value filters cannot be nested (RFC 7644 §3.4.2.2: valFilter has no valuePath)');
      if (valuePath.path.subAttribute !== undefined) throw new TypeError('A value filter applies to an attribute, not to a sub-attribute');
      return `${printAttributePath(valuePath.path)}[${printExpression(valuePath.filter, true)}]`;
    },
  });
}

function printOperand(node: FilterNode, parenthesize: boolean, insideValueFilter: boolean): string {
  const text = printExpression(node, insideValueFilter);
  return parenthesize ? `(${text})` : text;
}
