/**
 * The handle an embedding app's in-transaction hook (and its
 * `linkExistingUser` rule) gets on the write's transaction: statements on
 * the same connection, inside the same BEGIN … COMMIT as the SCIM change
 * and its events, so the app's own rows (its `users`, `sessions`) commit
 * with the change or not at all.
 *
 * Statements are tagged templates, rendered through the database's dialect:
 * every interpolated value is a bound parameter (`?` on SQLite and MySQL,
 * `$1…` on PostgreSQL, numbered for you), never SQL text, so the same hook
 * runs on all three databases:
 *
 *     await tx.run`UPDATE users SET disabled = ${true} WHERE id = ${appUserId}`;
 *
 * A statement that fails ends the transaction (PostgreSQL refuses every
 * later statement, and the others follow the same rule): let the error
 * leave the hook, or throw a ScimError for the identity provider to get.
 */

/** A value bound as a parameter: text, a number, a boolean (SQLite binds 1/0), or NULL. */
export type AppSqlValue = string | number | boolean | null;

/**
 * A table (or `schema.table`) name placed in a statement's text: letters,
 * digits and underscores only, checked when the statement is built, so an
 * app can keep its table names in one place (a PostgreSQL schema, say).
 */
export interface AppTableName {
  readonly tableName: string;
}

/** What a statement may interpolate: a bound value, or a table name. */
export type AppSqlPart = AppSqlValue | AppTableName;

/** A row as the database driver returns it (column names as the statement gives them). */
export type AppRow = Readonly<Record<string, unknown>>;

export interface AppTransaction {
  /** Which database the statements run on, for the rare statement that must differ (an upsert's syntax, say). */
  readonly database: 'sqlite' | 'postgres' | 'mysql';
  /** Every row the statement returns. */
  all<Row = AppRow>(strings: TemplateStringsArray, ...values: readonly AppSqlPart[]): Promise<Row[]>;
  /** The first row the statement returns, or undefined. */
  first<Row = AppRow>(strings: TemplateStringsArray, ...values: readonly AppSqlPart[]): Promise<Row | undefined>;
  /** A statement that changes rows; resolves to how many it inserted, updated or deleted. */
  run(strings: TemplateStringsArray, ...values: readonly AppSqlPart[]): Promise<number>;
  /** A table name to interpolate: tx.run`DELETE FROM ${tx.table('public.sessions')} WHERE …`. */
  table(name: string): AppTableName;
  /**
   * Records that the SCIM User `userId` is the app's user `appUserId`, in
   * this transaction: the User's later events carry `data.appUserId`. A
   * write-through hook calls it after inserting the app's row for a
   * `user.created` event. Linking an app user that another User already
   * holds is `409 uniqueness`.
   */
  linkUser(tenantId: string, userId: string, appUserId: string): Promise<void>;
}
