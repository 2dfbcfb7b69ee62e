/**
 * SQL fragments: text with bound parameters kept apart from it until the
 * very end, so a client's value can never become SQL text. Placeholders are
 * numbered by the dialect when the fragment is rendered (`?` for SQLite,
 * `$1…` for PostgreSQL), which is why composition happens on fragments and
 * not on strings.
 *
 * Every statement of every request is built and rendered here, so the
 * representation is chosen for that path: a fragment is its text pieces and
 * its values, interleaved (`texts.length === values.length + 1`), and
 * composing fragments appends to two flat arrays instead of nesting.
 *
 * A fragment's text pieces are its shape. Shapes made of the server's own
 * constants (template strings, rawSql text) are built once and kept, frozen:
 * `sql` at one call site over the same kinds of pieces yields the very same
 * pieces array every time, only its values differ. The rendered text is
 * kept per shape and dialect, so the same statement is the same string
 * object on every call, which the driver's cache of prepared statements
 * finds without hashing the text again. Shapes a client steers (a filter's
 * tree of conditions) are kept too, up to a bound; past it they are
 * rendered each time, as every fragment was before.
 */
import type { SqlDialect } from './dialect.js';
import { prefixTableNames } from './table-names.js';

/** A value as the compiler binds it; the dialect converts it for its driver (booleans, say). */
export type SqlParameterValue = string | number | boolean | null;

export class SqlFragment {
  /** The text around the values: one more piece than there are values. */
  readonly texts: readonly string[];
  readonly values: readonly SqlParameterValue[];

  constructor(texts: readonly string[], values: readonly SqlParameterValue[]) {
    if (texts.length !== values.length + 1) throw new TypeError('A fragment has one more text piece than it has values');
    this.texts = texts;
    this.values = values;
  }
}

/** The SQL text and parameters of a fragment, ready for the driver. */
export interface RenderedSql {
  readonly text: string;
  readonly parameters: readonly unknown[];
}

/** The text pieces of a lone bound value: `${parameter(x)}` adds nothing to the text around it. */
const AROUND_ONE_VALUE: readonly string[] = Object.freeze(['', '']);
const NO_VALUES: readonly SqlParameterValue[] = Object.freeze([]);

/**
 * How many shapes (and rawSql texts) are kept at most. The server's own
 * statements need a few hundred; the bound only stops a stream of distinct
 * filters from growing memory without limit.
 */
const MAX_KEPT_SHAPES = 20_000;
let keptShapes = 0;

/** Shapes composed from kept pieces: a path from a template's strings (or a separator) through the pieces of each interpolated fragment. */
interface ShapeNode {
  texts: readonly string[] | undefined;
  readonly next: Map<readonly string[], ShapeNode>;
}

const templateShapes = new WeakMap<TemplateStringsArray, ShapeNode>();
const joinShapes = new Map<string, Map<number, ShapeNode>>();
const rawTexts = new Map<string, readonly string[]>();

/** Kept pieces are frozen (template strings arrays are too); composed ones that are not kept never are. */
function kept(texts: readonly string[]): boolean {
  return Object.isFrozen(texts);
}

function shapeNode(): ShapeNode {
  return { texts: undefined, next: new Map() };
}

/** The node after `node` for these pieces, made when there is room. */
function nextShape(node: ShapeNode | undefined, texts: readonly string[]): ShapeNode | undefined {
  if (node === undefined || !kept(texts)) return undefined;
  let next = node.next.get(texts);
  if (next === undefined) {
    if (keptShapes >= MAX_KEPT_SHAPES) return undefined;
    keptShapes++;
    next = shapeNode();
    node.next.set(texts, next);
  }
  return next;
}

/** The pieces a node stands for: kept (frozen) the first time they are built. */
function keepShape(node: ShapeNode | undefined, texts: string[]): readonly string[] {
  if (node === undefined) return texts;
  node.texts = Object.freeze(texts);
  return node.texts;
}

/** Appends `fragment` to the pieces being built; `texts` ends with the piece still open. */
function append(texts: string[], values: SqlParameterValue[], fragment: SqlFragment): void {
  const pieces = fragment.texts;
  texts[texts.length - 1] += pieces[0]!;
  for (let index = 1; index < pieces.length; index++) {
    values.push(fragment.values[index - 1]!);
    texts.push(pieces[index]!);
  }
}

function appendValues(values: SqlParameterValue[], fragment: SqlFragment): void {
  for (const value of fragment.values) values.push(value);
}

/** Whether every interpolation is a lone value, so the template's own strings are the statement's text pieces. */
function onlyValues(fragments: readonly SqlFragment[]): boolean {
  for (const fragment of fragments) if (fragment.texts !== AROUND_ONE_VALUE) return false;
  return true;
}

/**
 * Tagged template composing fragments: sql`${a} AND ${b}`. Only fragments may
 * be interpolated; values go in through `parameter()` and trusted identifiers
 * through `rawSql()`, so nothing reaches the text by accident.
 */
export function sql(strings: TemplateStringsArray, ...fragments: readonly SqlFragment[]): SqlFragment {
  if (onlyValues(fragments)) {
    // The call site's strings array is the same object on every call: it is the shape.
    return new SqlFragment(strings, fragments.length === 0 ? NO_VALUES : fragments.map((fragment) => fragment.values[0]!));
  }
  let node = templateShapes.get(strings);
  if (node === undefined && keptShapes < MAX_KEPT_SHAPES) {
    keptShapes++;
    node = shapeNode();
    templateShapes.set(strings, node);
  }
  for (const fragment of fragments) node = nextShape(node, fragment.texts);
  const values: SqlParameterValue[] = [];
  if (node?.texts !== undefined) {
    for (const fragment of fragments) appendValues(values, fragment);
    return new SqlFragment(node.texts, values);
  }
  const texts: string[] = [strings[0]!];
  for (let index = 0; index < fragments.length; index++) {
    append(texts, values, fragments[index]!);
    texts[texts.length - 1] += strings[index + 1]!;
  }
  return new SqlFragment(keepShape(node, texts), values);
}

/** A bound parameter. */
export function parameter(value: SqlParameterValue): SqlFragment {
  return new SqlFragment(AROUND_ONE_VALUE, [value]);
}

/** The pieces of `(?, ?, …)` by number of values, kept up to the usual sizes of a statement's lists. */
const listShapes: (readonly string[] | undefined)[] = [];
const MAX_KEPT_LIST = 1_000;

function listTexts(count: number): readonly string[] {
  const keptTexts = listShapes[count];
  if (keptTexts !== undefined) return keptTexts;
  const texts: string[] = count === 0 ? ['()'] : ['('];
  for (let index = 1; index < count; index++) texts.push(', ');
  if (count > 0) texts.push(')');
  if (count > MAX_KEPT_LIST) return texts;
  listShapes[count] = Object.freeze(texts);
  return texts;
}

/** `(?, ?, …)`: bound values as an IN list or one row of VALUES, built as one flat fragment. */
export function parameterList(values: readonly SqlParameterValue[]): SqlFragment {
  return new SqlFragment(listTexts(values.length), values.length === 0 ? NO_VALUES : values);
}

/** SQL text written by the server itself (identifiers, keywords); never client input. */
export function rawSql(text: string): SqlFragment {
  let texts = rawTexts.get(text);
  if (texts === undefined) {
    texts = [text];
    if (rawTexts.size < MAX_KEPT_SHAPES) rawTexts.set(text, Object.freeze(texts));
  }
  return new SqlFragment(texts, NO_VALUES);
}

export function joinSql(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  let bySize = joinShapes.get(separator);
  if (bySize === undefined && joinShapes.size < MAX_KEPT_SHAPES) {
    bySize = new Map();
    joinShapes.set(separator, bySize);
  }
  let node = bySize?.get(fragments.length);
  if (bySize !== undefined && node === undefined && keptShapes < MAX_KEPT_SHAPES) {
    keptShapes++;
    node = shapeNode();
    bySize.set(fragments.length, node);
  }
  for (const fragment of fragments) node = nextShape(node, fragment.texts);
  const values: SqlParameterValue[] = [];
  if (node?.texts !== undefined) {
    for (const fragment of fragments) appendValues(values, fragment);
    return new SqlFragment(node.texts, values);
  }
  const texts: string[] = [''];
  for (let index = 0; index < fragments.length; index++) {
    if (index > 0) texts[texts.length - 1] += separator;
    append(texts, values, fragments[index]!);
  }
  return new SqlFragment(keepShape(node, texts), values);
}

/** Rendered texts by kept shape and dialect (a shape not kept is rendered each time). */
const renderedByShape = new WeakMap<readonly string[], Map<SqlDialect, string>>();

/**
 * Shapes of statements an embedding app writes on Scimitar's transaction
 * (src/store/sql/app-transaction.ts): they name the app's own tables, so
 * they are rendered as written, never with Scimitar's table prefix.
 */
const appShapes = new WeakSet<readonly string[]>();

/** Marks `fragment` as the app's statement: its table names are the app's (see appShapes). */
export function asAppStatement(fragment: SqlFragment): SqlFragment {
  appShapes.add(fragment.texts);
  return fragment;
}

function renderText(texts: readonly string[], dialect: SqlDialect): string {
  let text = texts[0]!;
  for (let index = 1; index < texts.length; index++) text += dialect.placeholder(index) + texts[index]!;
  // Once per shape and dialect when the shape is kept (see table-names.ts for why here).
  if (dialect.tablePrefix !== '' && !appShapes.has(texts)) text = prefixTableNames(text, dialect.tablePrefix);
  return text;
}

/** The text of a fragment, from the cache when its shape is a call site's. */
export function sqlText(fragment: SqlFragment, dialect: SqlDialect): string {
  const { texts } = fragment;
  if (texts.length === 1 && dialect.tablePrefix === '') return texts[0]!;
  if (!kept(texts)) return renderText(texts, dialect);
  let byDialect = renderedByShape.get(texts);
  if (byDialect === undefined) {
    byDialect = new Map();
    renderedByShape.set(texts, byDialect);
  }
  let text = byDialect.get(dialect);
  if (text === undefined) {
    text = renderText(texts, dialect);
    byDialect.set(dialect, text);
  }
  return text;
}

/**
 * Whether the fragment's shape is kept: its text is then one of a bounded
 * set the server composes again and again (a driver may prepare it once per
 * connection), not one rendered afresh for an unusual statement.
 */
export function hasKeptShape(fragment: SqlFragment): boolean {
  return kept(fragment.texts);
}

/** The parameters of a fragment as the dialect binds them. */
export function sqlParameters(fragment: SqlFragment, dialect: SqlDialect): unknown[] {
  const { values } = fragment;
  const parameters = new Array<unknown>(values.length);
  for (let index = 0; index < values.length; index++) parameters[index] = dialect.bindValue(values[index]!);
  return parameters;
}

export function renderSql(fragment: SqlFragment, dialect: SqlDialect): RenderedSql {
  return { text: sqlText(fragment, dialect), parameters: sqlParameters(fragment, dialect) };
}

/**
 * A string literal for SQL text the server writes itself (JSON paths built
 * from schema names). Client values never go through here: they are parameters.
 */
export function quoteSqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
