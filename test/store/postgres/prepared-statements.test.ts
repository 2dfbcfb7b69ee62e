/**
 * Named prepared statements on a real PostgreSQL (src/store/postgres/prepared-statements.ts):
 * what each connection keeps, the setting that turns them off, and what
 * happens when a migration changes a table under a prepared statement.
 */
import type { Pool } from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { dropTestSchema, migratedTestPool, postgresAvailableFor } from '../../store-contract/postgres-support.js';
import { createPostgresDialect } from '../../../src/store/sql/dialects/postgres.js';
import { parameter, sql } from '../../../src/store/sql/fragment.js';
import type { SqlSession } from '../../../src/store/sql/session.js';
import { PostgresSessions } from '../../../src/store/postgres/postgres-driver.js';

const NOW = '2024-01-01T00:00:00.000Z';
const dialect = createPostgresDialect('database');

const insertTenant = (session: SqlSession, id: string) =>
  session.run(sql`INSERT INTO tenants (id, name, created_at) VALUES (${parameter(id)}, ${parameter(id)}, ${parameter(NOW)})`);
/** `SELECT *`: its result columns are the table's, so a column added under it makes its plan stale. */
const tenantRow = (session: SqlSession, id: string) => session.first<Record<string, unknown>>(sql`SELECT * FROM tenants WHERE id = ${parameter(id)}`);
const renameTenant = (session: SqlSession, id: string, name: string) => session.run(sql`UPDATE tenants SET name = ${parameter(name)} WHERE id = ${parameter(id)}`);

const available = await postgresAvailableFor('the prepared statements test');

describe.skipIf(!available)('named prepared statements on PostgreSQL', () => {
  let schema: string | undefined;
  let pool: Pool | undefined;
  let sessions: PostgresSessions | undefined;

  /** One connection, so what the test reads of pg_prepared_statements is what the store's statements left there. */
  async function open(preparedStatements?: boolean): Promise<{ sessions: PostgresSessions; pool: Pool }> {
    ({ schema, pool } = await migratedTestPool('scimitar_prepared', 1));
    sessions = new PostgresSessions({ pool, dialect, ...(preparedStatements !== undefined ? { preparedStatements } : {}) });
    return { sessions, pool };
  }

  const prepared = async (on: Pool) =>
    (await on.query<{ name: string; statement: string }>("SELECT name, statement FROM pg_prepared_statements WHERE name LIKE 'scimitar%' ORDER BY name")).rows;

  afterEach(async () => {
    await sessions?.close();
    if (schema !== undefined) await dropTestSchema(schema);
    sessions = undefined;
    pool = undefined;
    schema = undefined;
  });

  it('parses a store statement once per connection and runs it again by name, with new values each time', async () => {
    const { sessions, pool } = await open();
    await sessions.write((session) => insertTenant(session, 'acme'));
    await sessions.write((session) => insertTenant(session, 'globex'));
    expect((await tenantRow(sessions.committed(), 'acme'))?.['name']).toBe('acme');
    expect((await tenantRow(sessions.committed(), 'globex'))?.['name']).toBe('globex');
    const statements = await prepared(pool);
    expect(statements.filter((row) => row.statement === 'SELECT * FROM tenants WHERE id = $1')).toHaveLength(1);
    expect(statements.filter((row) => row.statement.startsWith('INSERT INTO tenants'))).toHaveLength(1);
  });

  it('prepares nothing when turned off (a pooler that cannot keep prepared statements)', async () => {
    const { sessions, pool } = await open(false);
    await sessions.write((session) => insertTenant(session, 'acme'));
    expect((await tenantRow(sessions.committed(), 'acme'))?.['id']).toBe('acme');
    expect(await prepared(pool)).toEqual([]);
  });

  it('answers a read whose table gained a column after it was prepared (a rolling upgrade), then prepares it anew', async () => {
    const { sessions, pool } = await open();
    await sessions.write((session) => insertTenant(session, 'acme'));
    expect(await tenantRow(sessions.committed(), 'acme')).not.toHaveProperty('region');
    // What another instance's migration does while this one runs.
    await pool.query('ALTER TABLE tenants ADD COLUMN region text');
    expect(await tenantRow(sessions.committed(), 'acme')).toMatchObject({ id: 'acme', region: null });
    expect(await tenantRow(sessions.committed(), 'acme')).toMatchObject({ id: 'acme', region: null });
    const names = (await prepared(pool)).filter((row) => row.statement === 'SELECT * FROM tenants WHERE id = $1').map((row) => row.name);
    // Under a name of a new generation (the connection that failed may have been replaced by the pool).
    expect(names.some((name) => name.split('_')[1] !== '0')).toBe(true);
  });

  it('runs a transaction whose prepared statement went stale again, and commits it once', async () => {
    const { sessions, pool } = await open();
    await sessions.write((session) => insertTenant(session, 'acme'));
    await sessions.write(async (session) => expect(await tenantRow(session, 'acme')).toBeDefined());
    await pool.query('ALTER TABLE tenants ADD COLUMN region text');
    let attempts = 0;
    const seen = await sessions.write(async (session) => {
      attempts += 1;
      const row = await tenantRow(session, 'acme');
      await renameTenant(session, 'acme', `Acme ${attempts}`);
      return row;
    });
    expect(seen).toMatchObject({ id: 'acme', region: null });
    expect(attempts).toBe(2);
    expect((await tenantRow(sessions.committed(), 'acme'))?.['name']).toBe('Acme 2');
  });
});
