import type { PoolConnection } from 'mysql2/promise';
import type { MysqlCollations } from '../sql/dialects/mysql.js';
import { prefixTableNames } from '../sql/table-names.js';
import { mysqlMigrations, tableOptions, type MysqlMigration } from './migrations/index.js';
import type { MysqlSessions } from './mysql-sessions.js';

/**
 * The named lock every migrating Scimitar instance takes (GET_LOCK). Lock
 * names are server-wide, so instances of different databases on one
 * server wait for each other too, which costs them only the few
 * milliseconds a current schema takes to check.
 */
export const MIGRATION_LOCK_NAME = 'scimitar_migrate';
/** How long an instance waits for another's migration before giving up. */
export const MIGRATION_LOCK_TIMEOUT_SECONDS = 300;

interface VersionRow {
  readonly version: number;
}

/**
 * Brings the database up to date. The whole run holds GET_LOCK(MIGRATION_
 * LOCK_NAME) and only then reads which versions are applied: when many
 * instances start at once, one applies each step and the others find it
 * done. The lock belongs to the connection, so a crashed instance releases
 * it by dying. Returns the versions this call applied (empty when current).
 *
 * A step's statements run one by one (MySQL commits DDL implicitly; see
 * migration.ts), then the row recording the version.
 */
export async function migrateMysql(sessions: MysqlSessions, collations: MysqlCollations, migrations: readonly MysqlMigration[] = mysqlMigrations): Promise<number[]> {
  // Every statement here names Scimitar's tables as the migrations do; the sessions' prefix goes on as they run (see src/store/sql/table-names.ts).
  const named = (text: string): string => prefixTableNames(text, sessions.dialect.tablePrefix);
  const ordered = [...migrations].sort((a, b) => a.version - b.version);
  const known = new Set(ordered.map((migration) => migration.version));
  const table = tableOptions(collations.text);
  const connection = await sessions.connection();
  try {
    // Waiting for another instance's migration, or a long step on a large
    // database, may take longer than a request's statement timeout: none
    // here. The connection is closed afterwards rather than pooled with it.
    await connection.query(sessions.engine === 'mariadb' ? 'SET SESSION max_statement_time = 0' : 'SET SESSION max_execution_time = 0');
    await takeLock(connection);
    try {
      await connection.query(
        named(`CREATE TABLE IF NOT EXISTS schema_migrations (
  version INTEGER NOT NULL PRIMARY KEY,
  name VARCHAR(255) NOT NULL,
  applied_at VARCHAR(64) NOT NULL
) ${table.options}`),
      );
      const [rows] = await connection.query(named('SELECT version FROM schema_migrations ORDER BY version'));
      const appliedVersions = (rows as VersionRow[]).map((row) => Number(row.version));
      const unknown = appliedVersions.filter((version) => !known.has(version));
      if (unknown.length > 0) {
        // A newer build migrated this database; running old code against it could corrupt data.
        throw new TypeError(`The database has schema versions this build does not know (${unknown.join(', ')}); upgrade Scimitar`);
      }
      const applied = new Set(appliedVersions);
      const newlyApplied: number[] = [];
      for (const migration of ordered) {
        if (applied.has(migration.version)) continue;
        for (const statement of migration.statements(table)) {
          try {
            await connection.query(named(statement));
          } catch (error) {
            throw new Error(`Migration ${migration.version} (${migration.name}) failed; statements before the failing one are applied (MySQL commits DDL at once): ${(error as Error).message}`, { cause: error });
          }
        }
        await connection.execute(named('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)'), [migration.version, migration.name, new Date().toISOString()]);
        newlyApplied.push(migration.version);
      }
      return newlyApplied;
    } finally {
      await connection.query('DO RELEASE_LOCK(?)', [MIGRATION_LOCK_NAME]).catch(() => undefined);
    }
  } finally {
    // Closing the connection also releases the lock, should RELEASE_LOCK have failed.
    sessions.release(connection, true);
  }
}

async function takeLock(connection: PoolConnection): Promise<void> {
  const [rows] = await connection.query('SELECT GET_LOCK(?, ?) AS taken', [MIGRATION_LOCK_NAME, MIGRATION_LOCK_TIMEOUT_SECONDS]);
  const taken = (rows as { taken: unknown }[])[0]?.taken;
  if (Number(taken) !== 1) {
    throw new Error(`Another Scimitar instance held the migration lock ${MIGRATION_LOCK_NAME} for more than ${MIGRATION_LOCK_TIMEOUT_SECONDS} s; is a migration stuck?`);
  }
}
