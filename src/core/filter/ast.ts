/**
 * The abstract syntax tree shared by the `filter` query parameter
 * (RFC 7644 §3.4.2.2) and the PATCH `path` (§3.5.2): one grammar, one AST.
 *
 * Nodes are frozen plain objects with a `kind` discriminant. Consumers walk
 * them through `visitFilter` with a `FilterVisitor`, whose methods are all
 * required, so adding a node kind fails to compile until every consumer
 * (printer, in-memory evaluator, SQL compiler) handles it.
 */

/** `[URI ":"] ATTRNAME *1subAttr`, as written by the client (case preserved). */
export interface AttributePathNode {
  readonly kind: 'AttributePath';
  /** The schema URN prefix, when the client qualified the attribute. */
  readonly schema: string | undefined;
  readonly name: string;
  readonly subAttribute: string | undefined;
  /** 1-based column of the path's first character in the source text. */
  readonly position: number;
}

/** The comparison operators of §3.4.2.2, Table 3 (`pr` is its own node). */
export type ComparisonOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';

/** compValue = false / null / true / number / string (RFC 7159 literals). */
export type ComparisonValue = string | number | boolean | null;

/** attrPath SP compareOp SP compValue */
export interface ComparisonNode {
  readonly kind: 'Comparison';
  readonly path: AttributePathNode;
  readonly operator: ComparisonOperator;
  readonly value: ComparisonValue;
}

/** attrPath SP "pr" */
export interface PresentNode {
  readonly kind: 'Present';
  readonly path: AttributePathNode;
}

/** FILTER SP ("and" / "or") SP FILTER */
export interface LogicalNode {
  readonly kind: 'Logical';
  readonly operator: 'and' | 'or';
  readonly left: FilterNode;
  readonly right: FilterNode;
}

/** "not" "(" valFilter ")" */
export interface NotNode {
  readonly kind: 'Not';
  readonly filter: FilterNode;
}

/**
 * valuePath = attrPath "[" valFilter "]"
 * Paths inside `filter` are relative to the multi-valued attribute `path`,
 * and the whole inner filter must hold for one and the same element
 * (same-element semantics).
 */
export interface ValuePathNode {
  readonly kind: 'ValuePath';
  readonly path: AttributePathNode;
  readonly filter: FilterNode;
}

/** Parenthesised groups leave no node: precedence is carried by the tree shape. */
export type FilterNode = ComparisonNode | PresentNode | LogicalNode | NotNode | ValuePathNode;

/**
 * PATH = attrPath / valuePath [subAttr]  (RFC 7644 §3.5.2)
 * e.g. `name.familyName`, `members[value eq "2819c223"]`,
 * `emails[type eq "work"].value`, `urn:…:enterprise:2.0:User:manager`.
 */
export interface PatchPathNode {
  readonly kind: 'PatchPath';
  readonly attribute: AttributePathNode;
  /** Present when the path selects elements of a multi-valued attribute. */
  readonly valueFilter: FilterNode | undefined;
  /** A sub-attribute after the value filter: `emails[type eq "work"].value`. */
  readonly subAttribute: string | undefined;
}

export interface FilterVisitor<R> {
  comparison(node: ComparisonNode): R;
  present(node: PresentNode): R;
  logical(node: LogicalNode): R;
  not(node: NotNode): R;
  valuePath(node: ValuePathNode): R;
}

export function visitFilter<R>(node: FilterNode, visitor: FilterVisitor<R>): R {
  switch (node.kind) {
    case 'Comparison':
      return visitor.comparison(node);
    case 'Present':
      return visitor.present(node);
    case 'Logical':
      return visitor.logical(node);
    case 'Not':
      return visitor.not(node);
    case 'ValuePath':
      return visitor.valuePath(node);
    default:
      return assertNever(node);
  }
}

export function assertNever(value: never): never {
  throw new TypeError(`Unhandled filter node: ${JSON.stringify(value)}`);
}

/** Node constructors: every node is frozen, so a tree can be shared safely. */
export const filterNodes = {
  attributePath(name: string, options: { schema?: string | undefined; subAttribute?: string | undefined; position?: number } = {}): AttributePathNode {
    return Object.freeze({ kind: 'AttributePath', schema: options.schema, name, subAttribute: options.subAttribute, position: options.position ?? 1 });
  },
  comparison(path: AttributePathNode, operator: ComparisonOperator, value: ComparisonValue): ComparisonNode {
    return Object.freeze({ kind: 'Comparison', path, operator, value });
  },
  present(path: AttributePathNode): PresentNode {
    return Object.freeze({ kind: 'Present', path });
  },
  logical(operator: 'and' | 'or', left: FilterNode, right: FilterNode): LogicalNode {
    return Object.freeze({ kind: 'Logical', operator, left, right });
  },
  not(filter: FilterNode): NotNode {
    return Object.freeze({ kind: 'Not', filter });
  },
  valuePath(path: AttributePathNode, filter: FilterNode): ValuePathNode {
    return Object.freeze({ kind: 'ValuePath', path, filter });
  },
  patchPath(attribute: AttributePathNode, valueFilter?: FilterNode, subAttribute?: string): PatchPathNode {
    return Object.freeze({ kind: 'PatchPath', attribute, valueFilter, subAttribute });
  },
} as const;

/** The path's text as the client would write it: `urn:…:User:name.givenName`. */
export function attributePathText(path: AttributePathNode): string {
  const base = path.schema === undefined ? path.name : `${path.schema}:${path.name}`;
  return path.subAttribute === undefined ? base : `${base}.${path.subAttribute}`;
}
