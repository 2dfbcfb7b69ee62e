/**
 * The MariaDB (or MySQL) names the store suites have always imported, kept
 * over the one database factory (test/helpers/fresh-database.ts), which
 * decides where the server is, whether a suite may skip it, and how a fresh
 * database is made.
 */
import { DEFAULT_TEST_MYSQL_URL, databaseAvailableFor, databaseRequired, databaseUnavailableReason, freshDatabase, mysqlTestUrl } from '../helpers/fresh-database.js';

export { DEFAULT_TEST_MYSQL_URL, mysqlTestUrl };

export function mariadbRequired(): boolean {
  return databaseRequired('mariadb');
}

/** Why the test server cannot be used, or undefined when it answers. Probed once per test file. */
export function mariadbUnavailableReason(): Promise<string | undefined> {
  return databaseUnavailableReason('mariadb');
}

/** Whether `suite` can run: see databaseAvailableFor. */
export function mariadbAvailableFor(suite: string): Promise<boolean> {
  return databaseAvailableFor('mariadb', suite);
}

/** Creates an empty database for one store and returns its URL; `drop` removes it (close the stores using it first). */
export async function createTestDatabase(prefix = 'scimitar_test'): Promise<{ readonly name: string; readonly url: string; drop(): Promise<void> }> {
  const database = await freshDatabase('mariadb', { prefix });
  return { name: new URL(database.url).pathname.slice(1), url: database.url, drop: () => database.drop() };
}
