/**
 * SQL fragments: text with bound parameters kept apart from it until the
 * very end, so a client's value can never become SQL text. Placeholders are
 * numbered by the dialect when the fragment is rendered (`?` for SQLite,
 * `$1…` for PostgreSQL), which is why composition happens on fragments and
 * not on strings.
 */
import type { SqlDialect } from './dialect.js';

/** A value as the compiler binds it; the dialect converts it for its driver (booleans, say). */
export type SqlParameterValue = string | number | boolean | null;

interface SqlParameter {
  readonly parameter: SqlParameterValue;
}

type SqlPart = string | SqlParameter;

export class SqlFragment {
  readonly parts: readonly SqlPart[];

  constructor(parts: readonly SqlPart[]) {
    this.parts = parts;
  }
}

/** The SQL text and parameters of a fragment, ready for the driver. */
export interface RenderedSql {
  readonly text: string;
  readonly parameters: readonly unknown[];
}

/**
 * Tagged template composing fragments: sql`${a} AND ${b}`. Only fragments may
 * be interpolated; values go in through `parameter()` and trusted identifiers
 * through `rawSql()`, so nothing reaches the text by accident.
 */
export function sql(strings: TemplateStringsArray, ...fragments: readonly SqlFragment[]): SqlFragment {
  const parts: SqlPart[] = [];
  strings.forEach((text, index) => {
    if (text !== '') parts.push(text);
    const fragment = fragments[index];
    if (fragment !== undefined) parts.push(...fragment.parts);
  });
  return new SqlFragment(parts);
}

/** A bound parameter. */
export function parameter(value: SqlParameterValue): SqlFragment {
  return new SqlFragment([{ parameter: value }]);
}

/** SQL text written by the server itself (identifiers, keywords); never client input. */
export function rawSql(text: string): SqlFragment {
  return new SqlFragment([text]);
}

export function joinSql(fragments: readonly SqlFragment[], separator: string): SqlFragment {
  const parts: SqlPart[] = [];
  fragments.forEach((fragment, index) => {
    if (index > 0) parts.push(separator);
    parts.push(...fragment.parts);
  });
  return new SqlFragment(parts);
}

export function renderSql(fragment: SqlFragment, dialect: SqlDialect): RenderedSql {
  let text = '';
  const parameters: unknown[] = [];
  for (const part of fragment.parts) {
    if (typeof part === 'string') {
      text += part;
    } else {
      parameters.push(dialect.bindValue(part.parameter));
      text += dialect.placeholder(parameters.length);
    }
  }
  return { text, parameters };
}

/**
 * A string literal for SQL text the server writes itself (JSON paths built
 * from schema names). Client values never go through here: they are parameters.
 */
export function quoteSqlString(text: string): string {
  return `'${text.replaceAll("'", "''")}'`;
}
