/**
 * Snapshots on SQLite: a read transaction on a read-only connection of its
 * own, so a long export never holds the shared reader in the past (every
 * other read would see stale data) and never blocks the writer (WAL).
 */
import Database from 'better-sqlite3';
import type { SqlDialect } from '../sql/dialect.js';
import { renderSql, type SqlFragment } from '../sql/fragment.js';
import type { ReadSnapshot, SqlRow, StatementErrorTally } from '../sql/read-access.js';
import { openReaderDatabase } from './connection.js';

function runRows(db: Database.Database, statement: SqlFragment, dialect: SqlDialect, errors: StatementErrorTally): SqlRow[] {
  const { text, parameters } = renderSql(statement, dialect);
  try {
    return db.prepare(text).all(...parameters) as SqlRow[];
  } catch (error) {
    errors.record(sqliteErrorKind(error));
    throw error;
  }
}

/** The SQLite result code (SQLITE_BUSY, SQLITE_FULL, …) of a driver error. */
export function sqliteErrorKind(error: unknown): string {
  return error instanceof Database.SqliteError ? error.code : 'other';
}

class SqliteSnapshot implements ReadSnapshot {
  private open = true;

  constructor(
    private readonly db: Database.Database,
    private readonly dialect: SqlDialect,
    private readonly errors: StatementErrorTally,
  ) {}

  async rows(statement: SqlFragment): Promise<readonly SqlRow[]> {
    if (!this.open) throw new TypeError('The snapshot is closed');
    return runRows(this.db, statement, this.dialect, this.errors);
  }

  async close(): Promise<void> {
    if (!this.open) return;
    this.open = false;
    if (this.db.inTransaction) this.db.exec('COMMIT');
    this.db.close();
  }
}

/** A read transaction on a read-only connection of its own to `filename`. */
export function openSqliteSnapshot(filename: string, dialect: SqlDialect, errors: StatementErrorTally): ReadSnapshot {
  const db = openReaderDatabase(filename);
  try {
    // A deferred transaction starts reading at its first statement and
    // keeps that view of the file until COMMIT.
    db.exec('BEGIN');
    return new SqliteSnapshot(db, dialect, errors);
  } catch (error) {
    db.close();
    throw error;
  }
}
