/**
 * The elements of a multi-valued attribute, wherever they are stored: rows
 * of a side table (`user_emails`, `group_members`), the recursive closure of
 * group memberships (a User's `groups`), or a JSON array in the `attributes`
 * column. A filter on such an attribute matches when some element matches
 * (RFC 7644 §3.4.2.2), and a value filter `emails[type eq "work" and value
 * co "x"]` applies its whole condition to one element at a time, which is
 * why a source yields operands of one element and wraps a predicate over
 * them in a single subquery.
 */
import type { AttributeDefinition } from '../../core/schema/attribute.js';
import type { ResolvedAttribute } from '../../core/schema/registry.js';
import { ROW_ALIAS, type CompileContext } from './context.js';
import { joinSql, parameter, rawSql, sql, type SqlFragment } from './fragment.js';
import { columnGuard, columnPresent, sqlScalarType, type ScalarOperand } from './operand.js';
import type { ElementTableMapping, MembershipClosureMapping } from './tables.js';

export interface ElementSource {
  /** One element's value of `resolved` (a sub-attribute, or the element itself for arrays of scalars). */
  operand(resolved: ResolvedAttribute): ScalarOperand;
  /** True when at least one element satisfies `predicate`, built over this source's operands. */
  some(predicate: SqlFragment): SqlFragment;
  /**
   * The sort key of the attribute (RFC 7644 §3.4.2.3): `expression` of the
   * primary element if it has a value, else of the first element that has one.
   */
  orderingValue(expression: SqlFragment): SqlFragment;
}

/** Keys from the resource root to the attribute's array. */
export function arrayKeys(resolved: ResolvedAttribute): readonly string[] {
  return resolved.isExtension ? [resolved.schemaId, resolved.attribute.name] : [resolved.attribute.name];
}

/** The lower-cased canonical path of the top-level attribute, the key of the table maps. */
export function topAttributeKey(resolved: ResolvedAttribute): string {
  return (resolved.isExtension ? `${resolved.schemaId}:${resolved.attribute.name}` : resolved.attribute.name).toLowerCase();
}

/**
 * The source for the elements of `resolved.attribute`, able to provide every
 * sub-attribute in `subAttributes` from one element row.
 */
export function elementSourceFor(context: CompileContext, resolved: ResolvedAttribute, subAttributes: readonly AttributeDefinition[]): ElementSource {
  const mapping = context.table.elements.get(topAttributeKey(resolved));
  if (mapping === undefined) return new JsonElementSource(context, resolved);
  const names = subAttributes.map((sub) => sub.name.toLowerCase());
  for (const name of names) {
    const reason = mapping.unsupported.get(name);
    if (reason !== undefined) throw context.unsupported(reason);
  }
  if (mapping.kind === 'membershipClosure') return new MembershipClosureSource(context, mapping);
  if (names.every((name) => mapping.columns.has(name))) return new ElementTableSource(context, mapping);
  if (mapping.jsonFallback) return new JsonElementSource(context, resolved);
  const missing = names.find((name) => !mapping.columns.has(name)) ?? '';
  throw context.unsupported(`"${resolved.attribute.name}.${missing}" cannot be used here`);
}

class ElementTableSource implements ElementSource {
  private readonly alias: string;

  constructor(
    private readonly context: CompileContext,
    private readonly mapping: ElementTableMapping,
  ) {
    this.alias = context.nextAlias('t');
  }

  operand(resolved: ResolvedAttribute): ScalarOperand {
    const definition = resolved.leaf;
    const column = this.mapping.columns.get(definition.name.toLowerCase());
    if (column === undefined) throw new TypeError(`${resolved.canonicalPath} has no column in ${this.mapping.table}`);
    const value = rawSql(`${this.alias}.${column.column}`);
    return {
      value,
      folded: column.comparison === 'folded' ? value : undefined,
      exact: column.comparison === 'exact',
      guard: columnGuard(value, column.nullable),
      guardIsNullCheck: true,
      present: columnPresent(this.context.dialect, value, definition, column.nullable),
      definition,
      canonicalPath: resolved.canonicalPath,
    };
  }

  some(predicate: SqlFragment): SqlFragment {
    const { alias, mapping } = this;
    // `r.id IN (SELECT …)` rather than a correlated EXISTS: the subquery runs
    // once through the (tenant_id, value) index and the rows are then fetched by primary key.
    return sql`${rawSql(`${ROW_ALIAS}.id IN (SELECT ${alias}.${mapping.ownerColumn} FROM ${mapping.table} AS ${alias} WHERE ${alias}.tenant_id = `)}${parameter(this.context.tenantId)} AND ${predicate})`;
  }

  orderingValue(expression: SqlFragment): SqlFragment {
    const { alias, mapping } = this;
    const order: SqlFragment[] = [];
    // An element without a primary flag counts as not primary: false, in the dialect's spelling.
    if (mapping.primaryColumn !== undefined) order.push(sql`${rawSql(`COALESCE(${alias}.${mapping.primaryColumn}, `)}${this.context.dialect.booleanLiteral(false)}) DESC`);
    if (mapping.positionColumn !== undefined) order.push(rawSql(`${alias}.${mapping.positionColumn}`));
    const orderBy = order.length > 0 ? joinSql(order, ', ') : expression;
    return sql`(SELECT ${expression} FROM ${rawSql(`${mapping.table} AS ${alias} WHERE ${alias}.tenant_id = ${ROW_ALIAS}.tenant_id AND ${alias}.${mapping.ownerColumn} = ${ROW_ALIAS}.id`)} AND ${expression} IS NOT NULL ORDER BY ${orderBy} LIMIT 1)`;
  }
}

class JsonElementSource implements ElementSource {
  private readonly alias: string;
  private readonly keys: readonly string[];

  constructor(
    private readonly context: CompileContext,
    private readonly attribute: ResolvedAttribute,
  ) {
    this.alias = context.nextAlias('e');
    this.keys = arrayKeys(attribute);
  }

  operand(resolved: ResolvedAttribute): ScalarOperand {
    const { dialect } = this.context;
    const definition = resolved.leaf;
    const common = { folded: undefined, exact: false, guardIsNullCheck: false, definition, canonicalPath: resolved.canonicalPath };
    const document = rawSql(`${ROW_ALIAS}.attributes`);
    if (resolved.subAttribute === undefined) {
      // A complex element named as a whole (`addresses pr`, which has no
      // `value` to stand for it) is present when it holds a present
      // sub-attribute (RFC 7644 §3.4.2.2 "a non-empty node"); it is no scalar.
      const present = definition.type === 'complex' ? dialect.elementPresent(document, this.alias) : dialect.elementScalarPresent(this.alias);
      return { ...common, ...dialect.elementScalar(this.alias, sqlScalarType(definition)), present };
    }
    const key = resolved.subAttribute.name;
    return {
      ...common,
      ...dialect.elementField(document, this.alias, key, sqlScalarType(definition)),
      present: dialect.elementFieldPresent(document, this.alias, key),
    };
  }

  private from(): SqlFragment {
    return this.context.dialect.jsonArrayElements(rawSql(`${ROW_ALIAS}.attributes`), this.keys, this.alias);
  }

  some(predicate: SqlFragment): SqlFragment {
    // Elements of a complex attribute that are not objects never match, even `not (…)` (evaluate.ts).
    const condition = this.attribute.attribute.type === 'complex' ? sql`${this.context.dialect.elementIsObject(this.alias)} AND ${predicate}` : predicate;
    return sql`EXISTS (SELECT 1 FROM ${this.from()} WHERE ${condition})`;
  }

  orderingValue(expression: SqlFragment): SqlFragment {
    const { dialect } = this.context;
    const primary = this.attribute.attribute.subAttributes?.find((sub) => sub.name === 'primary' && sub.type === 'boolean');
    const position = dialect.elementPosition(this.alias);
    const primaryValue = primary === undefined ? undefined : dialect.elementField(rawSql(`${ROW_ALIAS}.attributes`), this.alias, primary.name, 'boolean');
    const orderBy =
      primaryValue === undefined ? position : sql`CASE WHEN ${primaryValue.guard} THEN ${primaryValue.value} ELSE ${dialect.booleanLiteral(false)} END DESC, ${position}`;
    return sql`(SELECT ${expression} FROM ${this.from()} WHERE ${expression} IS NOT NULL ORDER BY ${orderBy} LIMIT 1)`;
  }
}

class MembershipClosureSource implements ElementSource {
  private readonly cte: string;
  private readonly groupAlias: string;

  constructor(
    private readonly context: CompileContext,
    private readonly mapping: MembershipClosureMapping,
  ) {
    this.cte = context.nextAlias('c');
    this.groupAlias = context.nextAlias('g');
  }

  operand(resolved: ResolvedAttribute): ScalarOperand {
    const name = resolved.leaf.name.toLowerCase();
    const g = this.groupAlias;
    const common = { definition: resolved.leaf, canonicalPath: resolved.canonicalPath };
    // A group reference is a resource id, caseExact like every id (RFC 7643 §3.1).
    const { dialect } = this.context;
    if (name === 'value') {
      const value = rawSql(`${g}.id`);
      return { ...common, value, folded: undefined, exact: true, guard: undefined, guardIsNullCheck: true, present: columnPresent(dialect, value, resolved.leaf, false) };
    }
    if (name === 'display') {
      const value = rawSql(`${g}.display_name`);
      return {
        ...common,
        value,
        folded: rawSql(`${g}.display_name_ci`),
        exact: false,
        guard: columnGuard(value, true),
        guardIsNullCheck: true,
        present: columnPresent(dialect, value, resolved.leaf, true),
      };
    }
    throw this.context.unsupported(this.mapping.unsupported.get(name) ?? `"${resolved.canonicalPath}" cannot be used here`);
  }

  /**
   * Resources in a matching group, directly or through nested groups. UNION
   * (not UNION ALL) drops rows already reached, so a cycle of groups ends.
   * The matching groups, then the rows reached so far, are the outer loops
   * of their CROSS JOINs (SQLite does not reorder a CROSS JOIN; for
   * PostgreSQL it is a plain join), so every step is an index lookup per
   * group rather than a pass over the tenant's memberships.
   */
  some(predicate: SqlFragment): SqlFragment {
    const { cte, groupAlias: g } = this;
    const tenant = parameter(this.context.tenantId);
    return sql`${rawSql(
      `${ROW_ALIAS}.id IN (WITH RECURSIVE ${cte}(member_id) AS (SELECT m.member_id FROM "groups" AS ${g} CROSS JOIN group_members AS m WHERE ${g}.tenant_id = `,
    )}${tenant} AND ${predicate}${rawSql(` AND m.tenant_id = ${g}.tenant_id AND m.group_id = ${g}.id`)}${rawSql(` UNION SELECT m.member_id FROM ${cte} CROSS JOIN group_members AS m WHERE m.tenant_id = `)}${tenant}${rawSql(` AND m.group_id = ${cte}.member_id) SELECT member_id FROM ${cte})`)}`;
  }

  /** The groups of this row, ordered by id as `listMemberships` returns them; the first with a value sorts. */
  orderingValue(expression: SqlFragment): SqlFragment {
    const { cte, groupAlias: g } = this;
    return sql`${rawSql(
      `(WITH RECURSIVE ${cte}(group_id) AS (SELECT m.group_id FROM group_members AS m WHERE m.tenant_id = ${ROW_ALIAS}.tenant_id AND m.member_id = ${ROW_ALIAS}.id UNION SELECT m.group_id FROM ${cte} CROSS JOIN group_members AS m WHERE m.tenant_id = ${ROW_ALIAS}.tenant_id AND m.member_id = ${cte}.group_id) SELECT `,
    )}${expression}${rawSql(` FROM ${cte} CROSS JOIN "groups" AS ${g} WHERE ${g}.tenant_id = ${ROW_ALIAS}.tenant_id AND ${g}.id = ${cte}.group_id AND `)}${expression}${rawSql(` IS NOT NULL ORDER BY ${g}.id LIMIT 1)`)}`;
  }
}
