/** The embedded SQLite store (better-sqlite3). */
export { openSqliteStore, type SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export { migrateSqlite } from './migrate.js';
export { sqliteMigrations, type Migration } from './migrations/index.js';
