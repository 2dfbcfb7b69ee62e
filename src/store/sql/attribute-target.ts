/**
 * Where the value(s) of a resolved attribute are read from: a column of the
 * resource row, a derived expression, the JSON `attributes` column, or the
 * elements of a multi-valued attribute. Shared by the filter and sort compilers.
 */
import type { ResolvedAttribute } from '../../core/schema/registry.js';
import { ROW_ALIAS, type CompileContext } from './context.js';
import { elementSourceFor, type ElementSource } from './element-source.js';
import { rawSql } from './fragment.js';
import { columnGuard, columnPresent, sqlScalarType, type ScalarOperand } from './operand.js';

export type AttributeTarget =
  /** One value per resource (or none). */
  | { readonly kind: 'scalar'; readonly operand: ScalarOperand }
  /** Any number of values, one per element of a multi-valued attribute. */
  | { readonly kind: 'elements'; readonly source: ElementSource; readonly operand: ScalarOperand };

/** The target of an attribute resolved from the resource root (outside any value filter). */
export function attributeTarget(context: CompileContext, resolved: ResolvedAttribute): AttributeTarget {
  const { dialect } = context;
  const mapping = context.table.scalars.get(resolved.canonicalPath.toLowerCase());
  const common = { definition: resolved.leaf, canonicalPath: resolved.canonicalPath };
  if (mapping !== undefined) {
    switch (mapping.kind) {
      case 'unsupported':
        throw context.unsupported(mapping.reason);
      case 'derived':
        return {
          kind: 'scalar',
          operand: { ...common, value: rawSql(mapping.expression), folded: undefined, exact: false, guard: undefined, guardIsNullCheck: true, present: dialect.booleanLiteral(true) },
        };
      case 'column': {
        const value = rawSql(`${ROW_ALIAS}.${mapping.column}`);
        const folded = mapping.foldedColumn === undefined ? undefined : rawSql(`${ROW_ALIAS}.${mapping.foldedColumn}`);
        return {
          kind: 'scalar',
          operand: {
            ...common,
            value,
            folded,
            exact: false,
            guard: columnGuard(value, mapping.nullable),
            guardIsNullCheck: true,
            present: columnPresent(dialect, value, resolved.leaf, mapping.nullable),
          },
        };
      }
    }
  }
  if (resolved.attribute.multiValued) {
    const source = elementSourceFor(context, resolved, resolved.subAttribute === undefined ? [] : [resolved.subAttribute]);
    return { kind: 'elements', source, operand: source.operand(resolved) };
  }
  const attributes = rawSql(`${ROW_ALIAS}.attributes`);
  const { value, guard } = dialect.jsonScalar(attributes, resolved.jsonPath, sqlScalarType(resolved.leaf));
  return {
    kind: 'scalar',
    operand: { ...common, value, guard, guardIsNullCheck: false, folded: undefined, exact: false, present: dialect.jsonPresent(attributes, resolved.jsonPath) },
  };
}
