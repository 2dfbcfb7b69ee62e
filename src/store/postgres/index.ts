/** The PostgreSQL store (node-postgres), for one or many instances on one database. */
export { openPostgresStore, PostgresStore, MAX_TRANSACTION_ATTEMPTS, type PostgresStoreOptions } from './postgres-store.js';
export { migratePostgres, MIGRATION_LOCK_KEY } from './migrate.js';
export { postgresMigrations, type Migration } from './migrations/index.js';
