/**
 * The embedding app's handle on a write transaction (src/events/app-transaction.ts)
 * over the transaction's own session: the app's statements go through the
 * same refusal rules as the store's (none after a failed one, none after
 * the end), which is what makes "both commit or neither" hold.
 */
import type { AppSqlValue, AppTransaction } from '../../events/app-transaction.js';
import { linkAppUser } from './app-user-links.js';
import { parameter, sql, type SqlFragment } from './fragment.js';
import type { SqlFailure, SqlSession } from './session.js';

function statement(strings: TemplateStringsArray, values: readonly AppSqlValue[]): SqlFragment {
  for (const value of values) {
    const kind = typeof value;
    if (value !== null && kind !== 'string' && kind !== 'number' && kind !== 'boolean') {
      throw new TypeError(`A statement's values must be strings, numbers, booleans or null, not ${kind}: serialise it first`);
    }
  }
  return sql(strings, ...values.map((value) => parameter(value)));
}

export function appTransaction(session: SqlSession, failure: (error: unknown) => SqlFailure): AppTransaction {
  return Object.freeze<AppTransaction>({
    database: session.dialect.name,
    all: (strings, ...values) => session.all(statement(strings, values)),
    first: (strings, ...values) => session.first(statement(strings, values)),
    run: (strings, ...values) => session.run(statement(strings, values)),
    linkUser: (tenantId, userId, appUserId) => linkAppUser(session, failure, { tenantId, userId, appUserId }),
  });
}
