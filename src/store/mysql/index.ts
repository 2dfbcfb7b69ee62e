/** The MySQL 8 / MariaDB 10.11+ driver (mysql2), for one or many instances on one database. */
export { MysqlSessions, changedRowCount, type MysqlEngine } from './mysql-sessions.js';
export { openMysqlSessions, type MysqlConnectionOptions, type OpenedMysqlSessions } from './mysql-store.js';
export { migrateMysql, MIGRATION_LOCK_NAME } from './migrate.js';
export { mysqlMigrations, type MysqlMigration } from './migrations/index.js';
export { openMysqlStore, type MysqlStore, type MysqlStoreOptions } from './mysql-store.js';
