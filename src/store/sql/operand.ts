/**
 * Predicates over one scalar value: a column, a derived expression, a JSON
 * member or one element of a multi-valued attribute. Every predicate built
 * here is two-valued (true or false, never SQL NULL): an absent value makes
 * a comparison false rather than unknown, so `NOT (…)` around it behaves as
 * the in-memory evaluator does.
 */
import { scimErrors } from '../../core/errors/scim-error.js';
import type { ComparisonOperator } from '../../core/filter/ast.js';
import { dateTimeInstant } from '../../core/filter/compare.js';
import type { AttributeDefinition } from '../../core/schema/attribute.js';
import type { SqlDialect, SqlScalarType } from './dialect.js';
import { parameter, rawSql, sql, type SqlFragment } from './fragment.js';

export interface ScalarOperand {
  /** The value as stored. */
  readonly value: SqlFragment;
  /** The case-folded value when the database already holds it (an indexed `*_ci` column). */
  readonly folded: SqlFragment | undefined;
  /** Compare exactly whatever the schema's caseExact says (resource ids). */
  readonly exact: boolean;
  /**
   * Holds exactly when the value is there and of the attribute's type;
   * undefined when it always is (NOT NULL columns). Comparisons are
   * `guard AND …`, which keeps them two-valued.
   */
  readonly guard: SqlFragment | undefined;
  /** True when the guard only tests for NULL (typed columns), so the value alone already sorts absent values as NULL. */
  readonly guardIsNullCheck: boolean;
  /**
   * Whether the value is present in the sense of `pr` (evaluate.ts): not
   * null, not "", and for JSON values not an array or object without a
   * present member. Counts values of the wrong JSON type, as the evaluator does.
   */
  readonly present: SqlFragment;
  /** The attribute (or sub-attribute) the value belongs to: its type and caseExact drive the comparison. */
  readonly definition: AttributeDefinition;
  /** How it was described to the client, for error details. */
  readonly canonicalPath: string;
}

export function sqlScalarType(definition: AttributeDefinition): SqlScalarType {
  switch (definition.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
    case 'decimal':
      return 'number';
    default:
      return 'string';
  }
}

function isText(definition: AttributeDefinition): boolean {
  return definition.type === 'string' || definition.type === 'reference' || definition.type === 'binary';
}

function isCaseInsensitiveText(operand: ScalarOperand): boolean {
  return !operand.exact && !operand.definition.caseExact && isText(operand.definition);
}

/** The expression comparisons and sorting work on: case-folded for case-insensitive strings (RFC 7643 §2.2 caseExact). */
export function comparableExpression(dialect: SqlDialect, operand: ScalarOperand): SqlFragment {
  if (isCaseInsensitiveText(operand)) return operand.folded ?? dialect.caseFold(operand.value);
  if (operand.folded !== undefined && operand.value === operand.folded) {
    throw new TypeError(`${operand.canonicalPath} is held only case-folded and cannot be compared case-sensitively`);
  }
  return operand.value;
}

/** `guard AND predicate`: false, never NULL, when the value is absent or of the wrong type. */
export function guarded(operand: ScalarOperand, predicate: SqlFragment): SqlFragment {
  return operand.guard === undefined ? predicate : sql`(${operand.guard} AND ${predicate})`;
}

/** The guard of a column value: `column IS NOT NULL`, or none for NOT NULL columns. */
export function columnGuard(value: SqlFragment, nullable: boolean): SqlFragment | undefined {
  return nullable ? sql`${value} IS NOT NULL` : undefined;
}

/** `pr` for a value held in a typed column: not NULL, and for text not "". */
export function columnPresent(dialect: SqlDialect, value: SqlFragment, definition: AttributeDefinition, nullable: boolean): SqlFragment {
  if (isText(definition) || definition.type === 'dateTime') return nullable ? sql`(${value} IS NOT NULL AND ${value} <> '')` : sql`${value} <> ''`;
  return nullable ? sql`${value} IS NOT NULL` : dialect.booleanLiteral(true);
}

const ORDERING_SYMBOLS = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

/**
 * A dateTime comparison. Stored dateTimes are `toISOString()` text
 * (src/core/resource/date-time.ts), so the filter's instant is written the
 * same way and text order is time order (evaluate.ts compares instants).
 * An instant outside the years 0000–9999, which stored values are confined
 * to, would not sort with them as text (`+010000-…`): the answer is then
 * the same for every present value.
 */
function dateTimePredicate(dialect: SqlDialect, operand: ScalarOperand, operator: Exclude<ComparisonOperator, 'ne'>, comparand: string | number | boolean): SqlFragment {
  const instant = typeof comparand === 'string' ? dateTimeInstant(comparand) : undefined;
  if (instant === undefined) {
    throw scimErrors.invalidFilter(`"${operand.canonicalPath}" is a dateTime attribute: compare it to an ISO 8601 date-time string`);
  }
  if (operator === 'co' || operator === 'sw' || operator === 'ew') {
    throw scimErrors.invalidFilter(`The operator "${operator}" applies only to string attributes; "${operand.canonicalPath}" is dateTime`);
  }
  const year = new Date(instant).getUTCFullYear();
  if (year > 9999 || year < 0) {
    const everyValue = year > 9999 ? operator === 'lt' || operator === 'le' : operator === 'gt' || operator === 'ge';
    return everyValue ? guarded(operand, dialect.booleanLiteral(true)) : dialect.booleanLiteral(false);
  }
  return guarded(operand, sql`${operand.value} ${rawSql(ORDERING_SYMBOLS[operator])} ${parameter(new Date(instant).toISOString())}`);
}

/**
 * `value <operator> comparand` for one value, false when it is absent or of
 * another type (RFC 7644 §3.4.2.2, Table 3). `ne` is not handled here: it is
 * the negation of `eq` on one value (see the filter compiler).
 */
export function comparisonPredicate(
  dialect: SqlDialect,
  operand: ScalarOperand,
  operator: Exclude<ComparisonOperator, 'ne'>,
  comparand: string | number | boolean,
): SqlFragment {
  if (operand.definition.type === 'dateTime') return dateTimePredicate(dialect, operand, operator, comparand);
  const caseInsensitive = isCaseInsensitiveText(operand);
  const left = comparableExpression(dialect, operand);
  const right = typeof comparand === 'string' && caseInsensitive ? comparand.toLowerCase() : comparand;
  if (typeof right === 'string' && !dialect.textCanHoldNul && right.includes('\u0000')) return nulComparison(dialect, operand, left, operator, right);
  if (operator === 'co' || operator === 'sw' || operator === 'ew') {
    // Both sides are case-folded when the attribute is case-insensitive, so the test itself is exact.
    const text = parameter(String(right));
    if (operator === 'co') return guarded(operand, dialect.contains(left, text));
    if (operator === 'sw') return guarded(operand, dialect.startsWith(left, text));
    return guarded(operand, dialect.endsWith(left, text));
  }
  return guarded(operand, sql`${left} ${rawSql(ORDERING_SYMBOLS[operator])} ${parameter(right)}`);
}

/**
 * A comparison with text holding U+0000 where stored text never does
 * (PostgreSQL): binding the value would fail, and the answer is known
 * anyway. No stored value equals, contains, starts or ends with it; and
 * for text S without NUL and the value P + NUL + rest, in code-point order
 * S > P + NUL + rest exactly when S > P (a character after P in S is at
 * least U+0001), and S < P + NUL + rest exactly when S <= P.
 */
function nulComparison(dialect: SqlDialect, operand: ScalarOperand, left: SqlFragment, operator: Exclude<ComparisonOperator, 'ne'>, right: string): SqlFragment {
  const prefix = parameter(right.slice(0, right.indexOf('\u0000')));
  switch (operator) {
    case 'gt':
    case 'ge':
      return guarded(operand, sql`${left} > ${prefix}`);
    case 'lt':
    case 'le':
      return guarded(operand, sql`${left} <= ${prefix}`);
    default:
      return dialect.booleanLiteral(false);
  }
}

/** The sort key of one value: comparable, and NULL when absent or of the wrong type. */
export function sortableExpression(dialect: SqlDialect, operand: ScalarOperand): SqlFragment {
  const comparable = comparableExpression(dialect, operand);
  return operand.guard === undefined || operand.guardIsNullCheck ? comparable : sql`CASE WHEN ${operand.guard} THEN ${comparable} END`;
}
