/**
 * PostgreSQL errors (SQLSTATE codes, Appendix A of the PostgreSQL manual)
 * translated the way src/store/sqlite/sqlite-errors.ts translates SQLite's.
 */
import { DatabaseError } from 'pg';
import { scimErrors } from '../../core/errors/scim-error.js';
import { StoreUnavailableError } from '../store-unavailable.js';

export const SQLSTATE = Object.freeze({
  uniqueViolation: '23505',
  foreignKeyViolation: '23503',
  checkViolation: '23514',
  notNullViolation: '23502',
  serializationFailure: '40001',
  deadlockDetected: '40P01',
  featureNotSupported: '0A000',
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
  return code === SQLSTATE.deadlockDetected || code === SQLSTATE.serializationFailure || isStalePreparedStatement(error);
}

/**
 * A prepared statement whose result columns changed since it was prepared
 * (a column added or dropped by another instance's migration): PostgreSQL
 * refuses to run it. Prepared again under a new name it runs (see
 * src/store/postgres/prepared-statements.ts), so the transaction is worth
 * another attempt.
 */
export function isStalePreparedStatement(error: unknown): boolean {
  return sqlState(error) === SQLSTATE.featureNotSupported && error instanceof Error && error.message.includes('cached plan must not change result type');
}

/**
 * SQLSTATEs of a server that is going away or not yet back: class 08
 * (connection exception) and 57P01–57P03 (admin_shutdown, crash_shutdown,
 * cannot_connect_now: sent by a restarting server or one still recovering).
 */
const CONNECTION_LOSS_STATES = new Set(['08000', '08001', '08003', '08004', '08006', '57P01', '57P02', '57P03']);
/** Socket errors of a connection refused, reset or cut on the way. */
const CONNECTION_LOSS_SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
/**
 * node-postgres reports a connection that ended under it, or a pool that
 * could not open one in time, with plain Errors known only by their message.
 */
const CONNECTION_LOSS_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Connection terminated due to connection timeout',
];

/** Whether `error` says the database is unreachable rather than that the statement was wrong. */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (error instanceof DatabaseError) return typeof code === 'string' && CONNECTION_LOSS_STATES.has(code);
  if (typeof code === 'string' && CONNECTION_LOSS_SOCKET_CODES.has(code)) return true;
  return CONNECTION_LOSS_MESSAGES.some((message) => error.message.startsWith(message));
}

/** A connection loss becomes the store's StoreUnavailableError (503 + Retry-After over HTTP); anything else passes through. */
export function translateConnectionError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isConnectionLoss(error)) return error;
  return new StoreUnavailableError('The PostgreSQL database is unreachable at the moment (restarting, failing over, or the connection dropped)', { cause: error });
}

/**
 * The SQLSTATE class of a server error (`23` integrity, `40` rollback, `57`
 * operator intervention, … — a bounded set), or `connection` for errors
 * raised before the server answered.
 */
export function postgresErrorKind(error: unknown): string {
  if (error instanceof DatabaseError && typeof error.code === 'string') return `sqlstate_${error.code.slice(0, 2)}`;
  return 'connection';
}
