/**
 * PostgreSQL errors (SQLSTATE codes, Appendix A of the PostgreSQL manual)
 * translated the way src/store/sqlite/sqlite-errors.ts translates SQLite's.
 */
import { DatabaseError } from 'pg';
import { scimErrors } from '../../core/errors/scim-error.js';

export const SQLSTATE = Object.freeze({
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
});

/** The unique index of userName within a tenant (migration 1). */
const USER_NAME_INDEX = 'users_user_name';

function sqlState(error: unknown): string | undefined {
  return error instanceof DatabaseError ? error.code : undefined;
}

/**
 * A taken userName is the client's conflict (409, RFC 7644 §3.3); every
 * other constraint (duplicate id, unknown tenant or group, bad member type)
 * means the calling code broke the port's contract, hence a TypeError.
 * Anything else passes through unchanged.
 */
export function translateConstraintError(error: unknown, userName: string | undefined): unknown {
  if (!(error instanceof DatabaseError)) return error;
  switch (error.code) {
    case SQLSTATE.uniqueViolation:
      if (error.constraint === USER_NAME_INDEX) return scimErrors.uniqueness(`userName ${JSON.stringify(userName ?? '')} is already taken in this directory`);
      return new TypeError(`A row with this key already exists: ${error.message}`);
    case SQLSTATE.foreignKeyViolation:
      return new TypeError('The tenant (or, for members, the group) does not exist: call tenants.ensureTenant at start-up and add members to existing groups only');
    case SQLSTATE.checkViolation:
    case SQLSTATE.notNullViolation:
      return new TypeError(`A value violates the table's constraints: ${error.message}`);
    default:
      return error;
  }
}

/**
 * Failures that say nothing about the transaction's own logic, only about
 * its timing against others: PostgreSQL aborted it to break a deadlock
 * (40P01) or to keep a serializable history (40001), and running it again
 * is the documented remedy (manual, "Serialization Failure Handling").
 */
export function isRetryableTransactionError(error: unknown): boolean {
  const code = sqlState(error);
  return code === SQLSTATE.deadlockDetected || code === SQLSTATE.serializationFailure;
}
