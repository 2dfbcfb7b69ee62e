/**
 * MySQL and MariaDB errors (server error numbers of the MySQL "Server
 * Error Message Reference", shared by MariaDB; client codes of mysql2)
 * translated the way src/store/postgres/postgres-errors.ts translates
 * PostgreSQL's.
 */
import type { SqlFailure } from '../sql/session.js';
import { StoreUnavailableError } from '../store-unavailable.js';

export const MYSQL_ERRNO = Object.freeze({
  duplicateKey: 1062,
  /** A child row names a parent that does not exist. */
  noReferencedRow: 1452,
  /** A parent row still has children. */
  rowIsReferenced: 1451,
  /** The same two, as older servers number them. */
  noReferencedRowOld: 1216,
  rowIsReferencedOld: 1217,
  deadlock: 1213,
  lockWaitTimeout: 1205,
  serverShutdown: 1053,
  connectionKilled: 1927,
  tooManyConnections: 1040,
});

/** The error fields mysql2 sets on a server error (and `code` on socket errors). */
interface MysqlErrorFields {
  readonly errno?: unknown;
  /** The statement's text (mysql2 attaches it). */
  readonly sql?: unknown;
  readonly code?: unknown;
  readonly fatal?: unknown;
  readonly sqlMessage?: unknown;
}

function fields(error: unknown): MysqlErrorFields {
  return typeof error === 'object' && error !== null ? (error as MysqlErrorFields) : {};
}

export function mysqlErrno(error: unknown): number | undefined {
  const { errno } = fields(error);
  // Socket errors carry a negative errno of the operating system.
  return typeof errno === 'number' && errno > 0 ? errno : undefined;
}

function serverMessage(error: unknown): string {
  const { sqlMessage } = fields(error);
  if (typeof sqlMessage === 'string') return sqlMessage;
  return error instanceof Error ? error.message : '';
}

/**
 * The key a duplicate was refused by: "Duplicate entry '…' for key
 * 'users_user_name'" (MariaDB, MySQL before 8.0.19) or "… for key
 * 'users.users_user_name'" (MySQL 8.0.19+). The entry itself may hold any
 * character, so the key is read from the end of the message.
 */
export function duplicateKeyName(message: string, statement: string): string | undefined {
  const match = /for key '([^']*)'$/.exec(message);
  if (match?.[1] === undefined) return undefined;
  const qualified = match[1];
  const name = qualified.slice(qualified.lastIndexOf('.') + 1);
  if (name !== 'PRIMARY') return name;
  // Primary keys are all called PRIMARY; named as PostgreSQL names them (<table>_pkey), so store logic tests one name everywhere.
  const table = qualified.includes('.') ? qualified.slice(0, qualified.lastIndexOf('.')) : /^\s*(?:INSERT\s+INTO|UPDATE)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/i.exec(statement)?.[1];
  return table === undefined ? undefined : `${table}_pkey`;
}

/** The constraint of a foreign key failure: "… CONSTRAINT `users_tenant_fk` FOREIGN KEY …". */
export function foreignKeyName(message: string): string | undefined {
  return /CONSTRAINT [`"]([^`"]+)[`"] FOREIGN KEY/.exec(message)?.[1];
}

/** What a failed statement means to store logic (SqlSessions.failure). Unique and foreign keys carry PostgreSQL's names (see the migrations). */
export function mysqlFailure(error: unknown): SqlFailure {
  switch (mysqlErrno(error)) {
    case MYSQL_ERRNO.duplicateKey:
      return { kind: 'unique', constraint: duplicateKeyName(serverMessage(error), String(fields(error).sql ?? '')) };
    case MYSQL_ERRNO.noReferencedRow:
    case MYSQL_ERRNO.rowIsReferenced:
    case MYSQL_ERRNO.noReferencedRowOld:
    case MYSQL_ERRNO.rowIsReferencedOld:
      return { kind: 'foreignKey', constraint: foreignKeyName(serverMessage(error)) };
    default:
      return { kind: 'other' };
  }
}

/**
 * Failures that say nothing about the transaction's own logic, only about
 * its timing against others: InnoDB rolled it back to break a deadlock
 * (1213), or a row lock was not granted in innodb_lock_wait_timeout (1205;
 * InnoDB then rolls back only the statement, and the driver the whole
 * transaction). Running it again is the documented remedy.
 */
export function isRetryableTransactionError(error: unknown): boolean {
  const errno = mysqlErrno(error);
  return errno === MYSQL_ERRNO.deadlock || errno === MYSQL_ERRNO.lockWaitTimeout;
}

/** Server errors of a server going away or refusing connections for now. */
const CONNECTION_LOSS_ERRNOS = new Set<number>([MYSQL_ERRNO.serverShutdown, MYSQL_ERRNO.connectionKilled, MYSQL_ERRNO.tooManyConnections]);
/** mysql2's client codes and socket errors of a connection refused, reset or cut on the way. */
const CONNECTION_LOSS_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** mysql2 reports a statement on a connection that already died with a plain Error known only by its message. */
const CONNECTION_LOSS_MESSAGES = ["Can't add new command when connection is in closed state", 'Connection lost', 'Pool is closed'];

/** Whether `error` says the database is unreachable rather than that the statement was wrong. */
export function isConnectionLoss(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const { code, fatal } = fields(error);
  const errno = mysqlErrno(error);
  if (errno !== undefined && CONNECTION_LOSS_ERRNOS.has(errno)) return true;
  if (typeof code === 'string' && CONNECTION_LOSS_CODES.has(code)) return true;
  // A fatal error leaves the connection unusable whatever caused it.
  if (fatal === true) return true;
  return CONNECTION_LOSS_MESSAGES.some((message) => error.message.startsWith(message));
}

/** A connection loss becomes the store's StoreUnavailableError (503 + Retry-After over HTTP); anything else passes through. */
export function translateConnectionError(error: unknown): unknown {
  if (error instanceof StoreUnavailableError || !isConnectionLoss(error)) return error;
  return new StoreUnavailableError('The MySQL database is unreachable at the moment (restarting, failing over, or the connection dropped)', { cause: error });
}

/** A bounded label of a failure for metrics: the server error number, or `connection` for errors raised before the server answered. */
export function mysqlErrorKind(error: unknown): string {
  const errno = mysqlErrno(error);
  return errno === undefined ? 'connection' : `errno_${errno}`;
}
