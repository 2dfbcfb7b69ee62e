/**
 * The embedding app's handle on a write transaction (src/events/app-transaction.ts)
 * over the transaction's own session: the app's statements go through the
 * same refusal rules as the store's (none after a failed one, none after
 * the end), which is what makes "both commit or neither" hold.
 */
import type { AppSqlPart, AppTableName, AppTransaction } from '../../events/app-transaction.js';
import { linkAppUser } from './app-user-links.js';
import { asAppStatement, parameter, rawSql, sql, type SqlFragment } from './fragment.js';
import type { SqlFailure, SqlSession } from './session.js';

/** `name` or `schema.name`, each an unquoted SQL identifier: nothing that could end the name and start SQL. */
const TABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?$/;

function tableName(name: string): AppTableName {
  if (typeof name !== 'string' || !TABLE_NAME.test(name)) throw new TypeError(`Invalid table name ${JSON.stringify(name)}: use letters, digits and _ (schema.table allowed)`);
  return Object.freeze({ tableName: name });
}

function isTableName(part: AppSqlPart): part is AppTableName {
  return typeof part === 'object' && part !== null && typeof (part as Partial<AppTableName>).tableName === 'string';
}

function statement(strings: TemplateStringsArray, parts: readonly AppSqlPart[]): SqlFragment {
  const fragments = parts.map((part) => {
    if (isTableName(part)) return rawSql(tableName(part.tableName).tableName);
    const kind = typeof part;
    if (part !== null && kind !== 'string' && kind !== 'number' && kind !== 'boolean') {
      throw new TypeError(`A statement's values must be strings, numbers, booleans or null, not ${kind}: serialise it first`);
    }
    return parameter(part);
  });
  // The app's statement names the app's tables: rendered as written, whatever Scimitar's table prefix.
  return asAppStatement(sql(strings, ...fragments));
}

export function appTransaction(session: SqlSession, failure: (error: unknown) => SqlFailure): AppTransaction {
  return Object.freeze<AppTransaction>({
    database: session.dialect.name,
    // async, so a statement refused while being built rejects like one the database refused.
    all: async (strings, ...values) => session.all(statement(strings, values)),
    first: async (strings, ...values) => session.first(statement(strings, values)),
    run: async (strings, ...values) => session.run(statement(strings, values)),
    table: tableName,
    linkUser: (tenantId, userId, appUserId) => linkAppUser(session, failure, { tenantId, userId, appUserId }),
  });
}
