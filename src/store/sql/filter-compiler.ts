/**
 * Compiles a filter AST (RFC 7644 §3.4.2.2) to a SQL condition over the
 * resource row `r`, with every client value bound as a parameter.
 *
 * The result matches exactly the resources for which the in-memory
 * evaluator (src/core/filter/evaluate.ts, whose header states the rules)
 * returns true: paths are resolved and checked by the same functions
 * (validate.ts), and each rule is mirrored here:
 * - a comparison holds when SOME value of the path satisfies it; absent
 *   values satisfy nothing;
 * - `ne v` is `not (eq v)` on a single value (a single-valued attribute, or
 *   a sub-attribute inside a value filter); on a multi-valued attribute it
 *   holds when SOME element is `ne v` (RFC 7644 §3.4.2.2: "the filter
 *   matches if any of the values of the specified attribute match"), so
 *   `emails.type ne "home"` means `emails[type ne "home"]`;
 * - `eq null` is `not pr`, `ne null` is `pr`;
 * - `attr[filter]` holds when one and the same element satisfies the whole filter.
 * Every predicate is two-valued (SQL NULL never escapes a leaf), so `NOT`
 * and `OR` behave like their JavaScript counterparts.
 */
import type { ComparisonNode, FilterNode, FilterVisitor, LogicalNode, NotNode, PresentNode, ValuePathNode } from '../../core/filter/ast.js';
import { attributePathText, visitFilter } from '../../core/filter/ast.js';
import { checkComparison, resolveFilterAttribute, resolveValuePathAttribute } from '../../core/filter/validate.js';
import { scimErrors } from '../../core/errors/scim-error.js';
import type { AttributeDefinition } from '../../core/schema/attribute.js';
import type { ResolvedAttribute } from '../../core/schema/registry.js';
import { attributeTarget, type AttributeTarget } from './attribute-target.js';
import type { CompileContext } from './context.js';
import { elementSourceFor, type ElementSource } from './element-source.js';
import { sql, type SqlFragment } from './fragment.js';
import { comparisonPredicate } from './operand.js';

/** Compiles `filter` to a two-valued SQL condition on the row alias `r`. Throws invalidFilter. */
export function compileFilterCondition(filter: FilterNode, context: CompileContext): SqlFragment {
  return visitFilter(filter, new FilterSqlCompiler(context, undefined));
}

/** Inside a value filter: the multi-valued attribute and the source of its elements. */
interface ElementScope {
  readonly parent: ResolvedAttribute;
  readonly source: ElementSource;
}

class FilterSqlCompiler implements FilterVisitor<SqlFragment> {
  constructor(
    private readonly context: CompileContext,
    private readonly scope: ElementScope | undefined,
  ) {}

  comparison(node: ComparisonNode): SqlFragment {
    const resolved = resolveFilterAttribute(node.path, this.context.schemas, this.scope?.parent);
    checkComparison(node, resolved);
    const target = this.target(resolved);
    const { operator, value } = node;
    if (value === null) {
      const present = this.presence(target);
      return operator === 'eq' ? sql`NOT (${present})` : present;
    }
    if (operator === 'ne') {
      // Per element: a JSON null element would count as differing here, where
      // the evaluator drops it; stored resources never hold one (attribute-value.ts
      // stores null as absence), so the two agree on every stored resource.
      const differs = sql`NOT (${comparisonPredicate(this.context.dialect, target.operand, 'eq', value)})`;
      return target.kind === 'scalar' ? differs : target.source.some(differs);
    }
    return this.some(target, comparisonPredicate(this.context.dialect, target.operand, operator, value));
  }

  present(node: PresentNode): SqlFragment {
    return this.presence(this.target(resolveFilterAttribute(node.path, this.context.schemas, this.scope?.parent)));
  }

  logical(node: LogicalNode): SqlFragment {
    const left = visitFilter(node.left, this);
    const right = visitFilter(node.right, this);
    return node.operator === 'and' ? sql`(${left} AND ${right})` : sql`(${left} OR ${right})`;
  }

  not(node: NotNode): SqlFragment {
    return sql`NOT (${visitFilter(node.filter, this)})`;
  }

  valuePath(node: ValuePathNode): SqlFragment {
    if (this.scope !== undefined) {
      throw scimErrors.invalidFilter(`Value filters cannot be nested: "${attributePathText(node.path)}[…]" (at column ${node.path.position})`);
    }
    const parent = resolveValuePathAttribute(node.path, this.context.schemas);
    // One source must provide every sub-attribute the inner filter names, so
    // that all of them are read from the same element row.
    const source = elementSourceFor(this.context, parent, subAttributesNamed(node.filter, this.context, parent));
    const inner = visitFilter(node.filter, new FilterSqlCompiler(this.context, { parent, source }));
    return source.some(inner);
  }

  private target(resolved: ResolvedAttribute): AttributeTarget {
    if (this.scope === undefined) return attributeTarget(this.context, resolved);
    return { kind: 'scalar', operand: this.scope.source.operand(resolved) };
  }

  private presence(target: AttributeTarget): SqlFragment {
    return this.some(target, target.operand.present);
  }

  private some(target: AttributeTarget, predicate: SqlFragment): SqlFragment {
    return target.kind === 'scalar' ? predicate : target.source.some(predicate);
  }
}

/** The sub-attributes of `parent` that a value filter's inner filter names. */
function subAttributesNamed(filter: FilterNode, context: CompileContext, parent: ResolvedAttribute): AttributeDefinition[] {
  const found: AttributeDefinition[] = [];
  const collect = (node: FilterNode): void =>
    visitFilter<void>(node, {
      comparison: (comparison) => {
        found.push(resolveFilterAttribute(comparison.path, context.schemas, parent).leaf);
      },
      present: (present) => {
        found.push(resolveFilterAttribute(present.path, context.schemas, parent).leaf);
      },
      logical: (logical) => {
        collect(logical.left);
        collect(logical.right);
      },
      not: (negation) => collect(negation.filter),
      valuePath: (valuePath) => {
        throw scimErrors.invalidFilter(`Value filters cannot be nested: "${attributePathText(valuePath.path)}[…]" (at column ${valuePath.path.position})`);
      },
    });
  collect(filter);
  return found;
}
