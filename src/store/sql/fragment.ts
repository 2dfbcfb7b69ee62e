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
 * composing fragments appends to two flat arrays instead of nesting. A
 * fragment's text pieces say its shape; when a statement's shape is a
 * tagged template's own strings (`sql` with only values interpolated) the
 * rendered text is kept per template call site and dialect, so the same
 * statement yields the same string object every time (the driver's cache
 * of prepared statements then finds it without hashing the text again).
 */
import type { SqlDialect } from './dialect.js';

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

/** Appends `fragment` to the pieces being built; `texts` ends with the piece still open. */
function append(texts: string[], values: SqlParameterValue[], fragment: SqlFragment): void {
  const pieces = fragment.texts;
  texts[texts.length - 1] += pieces[0]!;
  for (let index = 1; index < pieces.length; index++) {
    values.push(fragment.values[index - 1]!);
    texts.push(pieces[index]!);
  }
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
    // The call site's strings array is the same object on every call: the shape key of the render cache.
    return new SqlFragment(strings, fragments.length === 0 ? NO_VALUES : fragments.map((fragment) => fragment.values[0]!));
  }
  const texts: string[] = [strings[0]!];
  const values: SqlParameterValue[] = [];
  for (let index = 0; index < fragments.length; index++) {
    append(texts, values, fragments[index]!);
    texts[texts.length - 1] += strings[index + 1]!;
  }
  return new SqlFragment(texts, values);
}

/** A bound parameter. */
export function parameter(value: SqlParameterValue): SqlFragment {
  return new SqlFragment(AROUND_ONE_VALUE, [value]);
}

/** `(?, ?, …)`: bound values as an IN list or one row of VALUES, built as one flat fragment. */
export function parameterList(values: readonly SqlParameterValue[]): SqlFragment {
  const texts: string[] = ['('];
  for (let index = 1; index < values.length; index++) texts.push(', ');
  texts.push(')');
  if (values.length === 0) return new SqlFragment(['()'], NO_VALUES);
  return new SqlFragment(texts, values);
}

/** SQL text written by the server itself (identifiers, keywords); never client input. */
export function rawSql(text: string): SqlFragment {
  return new SqlFragment([text], NO_VALUES);
}

export function joinSql(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  const texts: string[] = [''];
  const values: SqlParameterValue[] = [];
  for (let index = 0; index < fragments.length; index++) {
    if (index > 0) texts[texts.length - 1] += separator;
    append(texts, values, fragments[index]!);
  }
  return new SqlFragment(texts, values);
}

/**
 * Rendered texts by shape: a text pieces array that is a template's strings
 * (or a constant fragment's) lives as long as the module, and maps to the
 * text each dialect renders it to. Freshly composed shapes are not kept:
 * their arrays are garbage after the statement.
 */
const renderedByShape = new WeakMap<readonly string[], Map<SqlDialect, string>>();

function renderText(texts: readonly string[], dialect: SqlDialect): string {
  let text = texts[0]!;
  for (let index = 1; index < texts.length; index++) text += dialect.placeholder(index) + texts[index]!;
  return text;
}

/** The text of a fragment, from the cache when its shape is a call site's. */
export function sqlText(fragment: SqlFragment, dialect: SqlDialect): string {
  const { texts } = fragment;
  if (texts.length === 1) return texts[0]!;
  if (!Object.isFrozen(texts)) return renderText(texts, dialect);
  // Template strings arrays are frozen; composed pieces never are.
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
