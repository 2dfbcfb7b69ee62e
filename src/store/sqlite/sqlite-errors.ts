import Database from 'better-sqlite3';
import { scimErrors } from '../../core/errors/scim-error.js';

/**
 * Turns a constraint failure into what it means for the caller: a taken
 * userName is the client's conflict (409, RFC 7644 §3.3); every other
 * constraint (duplicate id, unknown tenant or group, bad member type) means
 * the calling code broke the port's contract, hence a TypeError.
 */
export function translateConstraintError(error: unknown, userName: string | undefined): unknown {
  if (!(error instanceof Database.SqliteError)) return error;
  if (error.code === 'SQLITE_CONSTRAINT_UNIQUE' && error.message.includes('user_name_ci')) {
    return scimErrors.uniqueness(`userName ${JSON.stringify(userName ?? '')} is already taken in this directory`);
  }
  switch (error.code) {
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
    case 'SQLITE_CONSTRAINT_UNIQUE':
      return new TypeError(`A row with this key already exists: ${error.message}`);
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      return new TypeError('The tenant (or, for members, the group) does not exist: call tenants.ensureTenant at start-up and add members to existing groups only');
    case 'SQLITE_CONSTRAINT_CHECK':
    case 'SQLITE_CONSTRAINT_NOTNULL':
      return new TypeError(`A value violates the table's constraints: ${error.message}`);
    default:
      return error;
  }
}
