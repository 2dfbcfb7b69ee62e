/**
 * ORDER BY for a list request (RFC 7644 §3.4.2.3).
 * - A singular attribute sorts by its value; a multi-valued one by its
 *   primary value, else its first value (`emails` → the primary email).
 * - Case-insensitive strings sort by their case-folded text, caseExact ones
 *   by their exact text; both in code-point order (UTF-8 byte order).
 * - "if there is no data for the specified sortBy value … they are ordered
 *   last if ascending and first if descending".
 * - Ties, and requests without sortBy, are ordered by id, so paging through
 *   a result is stable.
 */
import type { ResolvedAttribute } from '../../core/schema/registry.js';
import type { SortSpec } from '../store.js';
import { attributeTarget } from './attribute-target.js';
import { ROW_ALIAS, type CompileContext } from './context.js';
import type { SqlScalarType } from './dialect.js';
import { rawSql, sql, type SqlFragment } from './fragment.js';
import { sortableExpression, sqlScalarType } from './operand.js';

const TIE_BREAK = `${ROW_ALIAS}.id`;

/** The ORDER BY clause (without the keywords) for `sort`; `context.unsupported` reports what cannot be sorted on. */
export function compileOrderBy(sort: SortSpec | undefined, context: CompileContext): SqlFragment {
  if (sort === undefined) return rawSql(TIE_BREAK);
  const key = sortKey(withValueDefault(sort.attribute, context), context);
  const descending = sort.order !== 'ascending';
  return sql`${context.dialect.orderTerm(key, descending, descending)}, ${rawSql(TIE_BREAK)}`;
}

/** A multi-valued complex attribute named alone sorts by its `value` sub-attribute. */
function withValueDefault(resolved: ResolvedAttribute, context: CompileContext): ResolvedAttribute {
  const top = resolved.attribute;
  if (resolved.subAttribute !== undefined || !top.multiValued || top.type !== 'complex') return resolved;
  const withValue = context.schemas.resolve({
    schema: resolved.schemaId === '' ? undefined : resolved.schemaId,
    name: top.name,
    subAttribute: 'value',
  });
  if (withValue === undefined) throw context.unsupported(`sortBy "${resolved.canonicalPath}" has no value sub-attribute to sort by`);
  return withValue;
}

function sortKey(resolved: ResolvedAttribute, context: CompileContext): SqlFragment {
  if (resolved.leaf.type === 'complex') {
    throw context.unsupported(`sortBy "${resolved.canonicalPath}" is a complex attribute; name one of its sub-attributes`);
  }
  const target = attributeTarget(context, resolved);
  const expression = sortableExpression(context.dialect, target.operand);
  return target.kind === 'scalar' ? expression : target.source.orderingValue(expression);
}

/** What keyset paging needs of a sort key (src/store/sql/keyset.ts). */
export interface KeysetSortKey {
  /** The same expression the list ORDER BY sorts by. */
  readonly expression: SqlFragment;
  /** Whether some rows have no value (it is then NULL). */
  readonly nullable: boolean;
  readonly valueType: SqlScalarType;
}

/**
 * Documented limit of cursor paging: a cursor carries one sort key per row,
 * so the sort attribute must hold at most one value per resource.
 */
export const KEYSET_SORT_DETAIL =
  'cursor paging supports sorting by singular attributes only (id, externalId, userName, displayName, title, name.familyName, meta.created, meta.lastModified, …); sort by a multi-valued attribute with startIndex paging instead';

/** The sort key of a cursor page; a multi-valued attribute has no single key per row and is refused. */
export function compileKeysetSortKey(sort: SortSpec, context: CompileContext): KeysetSortKey {
  const resolved = withValueDefault(sort.attribute, context);
  if (resolved.attribute.multiValued || resolved.leaf.type === 'complex') {
    throw context.unsupported(`sortBy "${sort.attribute.canonicalPath}": ${KEYSET_SORT_DETAIL}`);
  }
  const target = attributeTarget(context, resolved);
  if (target.kind !== 'scalar') throw context.unsupported(`sortBy "${sort.attribute.canonicalPath}": ${KEYSET_SORT_DETAIL}`);
  return {
    expression: sortableExpression(context.dialect, target.operand),
    nullable: target.operand.guard !== undefined,
    valueType: sqlScalarType(target.operand.definition),
  };
}
