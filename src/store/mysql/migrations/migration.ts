/**
 * One step of the MySQL/MariaDB schema history: the same versions and
 * names as SQLite's and PostgreSQL's. Versions are applied in ascending
 * order, each exactly once.
 *
 * Unlike the other databases, MySQL commits DDL implicitly, statement by
 * statement: a step cannot be one transaction. Each step is therefore a
 * list of statements run one by one, and the row recording the version is
 * written after the last; a step that fails halfway needs its finished
 * statements undone by hand (the error names the step).
 */
export interface MysqlMigration {
  readonly version: number;
  readonly name: string;
  /** The statements of the step; `table` is the options every CREATE TABLE ends with (engine, charset, collation). */
  statements(table: MysqlTableOptions): readonly string[];
}

/** What differs between the engines in DDL: the binary, non-padding collation's name (see src/store/sql/dialects/mysql.ts). */
export interface MysqlTableOptions {
  /** `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=…`, ending every CREATE TABLE. */
  readonly options: string;
}

/** `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=<collation>`: row locks, foreign keys, 4-byte UTF-8, code-point order. */
export function tableOptions(textCollation: string): MysqlTableOptions {
  if (!/^utf8mb4_[a-z0-9_]+$/.test(textCollation)) throw new TypeError(`Invalid collation ${JSON.stringify(textCollation)}`);
  return { options: `ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${textCollation}` };
}
