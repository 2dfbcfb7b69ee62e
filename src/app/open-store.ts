/** Opens the store the configuration names: SQLite (embedded default), PostgreSQL or MySQL/MariaDB. */
import type { DatabaseConfig } from '../config/config.js';
import type { SchemaRegistry } from '../core/schema/registry.js';
import { openMysqlStore } from '../store/mysql/index.js';
import { openPostgresStore } from '../store/postgres/index.js';
import { openSqliteStore } from '../store/sqlite/index.js';
import type { Store } from '../store/store.js';

function tablePrefix(database: DatabaseConfig): { readonly tablePrefix?: string } {
  return database.tablePrefix !== undefined ? { tablePrefix: database.tablePrefix } : {};
}

export async function openStore(database: DatabaseConfig, registry: SchemaRegistry): Promise<Store> {
  switch (database.kind) {
    case 'sqlite':
      return openSqliteStore({ filename: database.filename, registry, synchronous: database.synchronous, ...tablePrefix(database) });
    case 'postgres':
      return openPostgresStore({
        url: database.url,
        registry,
        poolSize: database.poolSize,
        statementTimeoutMs: database.statementTimeoutMs,
        ...(database.preparedStatements !== undefined ? { preparedStatements: database.preparedStatements } : {}),
        ...(database.schema !== undefined ? { schema: database.schema } : {}),
        ...tablePrefix(database),
      });
    case 'mysql':
      return openMysqlStore({ url: database.url, poolSize: database.poolSize, statementTimeoutMs: database.statementTimeoutMs, ...tablePrefix(database) });
  }
}

/** A human description of the database, without credentials. */
export function describeDatabase(database: DatabaseConfig): string {
  const tables = database.tablePrefix !== undefined ? ` (tables prefixed ${database.tablePrefix})` : '';
  if (database.kind === 'sqlite') return `SQLite at ${database.filename}${tables}`;
  const url = new URL(database.url);
  if (database.kind === 'mysql') return `MySQL at ${url.hostname}:${url.port || '3306'}${url.pathname}${tables}`;
  return `PostgreSQL at ${url.hostname}:${url.port || '5432'}${url.pathname}${tables}`;
}
