import mysql from 'mysql2/promise';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, mariadbAvailableFor } from '../../store-contract/mariadb-support.js';
import { parameter, sql } from '../../../src/store/sql/fragment.js';
import type { SqlSession } from '../../../src/store/sql/session.js';
import { StoreUnavailableError } from '../../../src/store/store-unavailable.js';
import { mysqlMigrations } from '../../../src/store/mysql/migrations/index.js';
import { changedRowCount, MysqlSessions } from '../../../src/store/mysql/mysql-sessions.js';
import { openMysqlSessions } from '../../../src/store/mysql/mysql-store.js';
import { createMysqlPool } from '../../../src/store/mysql/pool.js';

const NOW = '2024-01-01T00:00:00.000Z';

const insertTenant = (session: SqlSession, id: string, name = id) =>
  session.run(sql`INSERT INTO tenants (id, name, created_at) VALUES (${parameter(id)}, ${parameter(name)}, ${parameter(NOW)})`);

const insertUser = (session: SqlSession, tenantId: string, id: string, userName: string) =>
  session.run(sql`INSERT INTO users (tenant_id, id, user_name, user_name_ci, attributes, created, last_modified, version)
VALUES (${parameter(tenantId)}, ${parameter(id)}, ${parameter(userName)}, ${parameter(userName.toLowerCase())}, '{}', ${parameter(NOW)}, ${parameter(NOW)}, 1)`);

const tenantIds = async (session: SqlSession) => (await session.all<{ id: string }>(sql`SELECT id FROM tenants ORDER BY id`)).map((row) => row.id);

const renameTenant = (session: SqlSession, id: string, name: string) => session.run(sql`UPDATE tenants SET name = ${parameter(name)} WHERE id = ${parameter(id)}`);

const available = await mariadbAvailableFor('the MySQL driver test');

describe('row counts as PostgreSQL gives them', () => {
  it('an UPDATE counts the rows it matched, an upsert the rows it inserted or changed, anything else the rows it affected', () => {
    const upsert = 'INSERT INTO t (a) VALUES (?) ON DUPLICATE KEY UPDATE a = a';
    expect(changedRowCount({ affectedRows: 0, info: 'Rows matched: 3  Changed: 0  Warnings: 0' }, 'UPDATE t SET a = 1')).toBe(3);
    expect(changedRowCount({ affectedRows: 3, info: 'Records: 2  Duplicates: 1  Warnings: 0' }, upsert)).toBe(2);
    expect(changedRowCount({ affectedRows: 1, info: 'Records: 2  Duplicates: 0  Warnings: 0' }, upsert)).toBe(1);
    expect(changedRowCount({ affectedRows: 2, info: '' }, upsert)).toBe(1);
    expect(changedRowCount({ affectedRows: 1, info: '' }, upsert)).toBe(1);
    expect(changedRowCount({ affectedRows: 2, info: '' }, 'DELETE FROM t WHERE a < 3')).toBe(2);
    expect(changedRowCount({ affectedRows: 2, info: 'Records: 2  Duplicates: 0  Warnings: 0' }, 'INSERT INTO t (a) VALUES (?), (?)')).toBe(2);
  });
});

describe.skipIf(!available)('MySQL driver (MysqlSessions) on MariaDB', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let sessions: MysqlSessions;

  beforeEach(async () => {
    database = await createTestDatabase('scimitar_driver');
    sessions = (await openMysqlSessions({ url: database.url, poolSize: 4, statementTimeoutMs: 10_000 })).sessions;
  });

  afterEach(async () => {
    await sessions.close();
    await database.drop();
  });

  it('knows the engine, and runs every connection in ANSI_QUOTES, strict, no-backslash-escapes mode, UTC, utf8mb4 without pad, READ COMMITTED', async () => {
    expect(sessions.engine).toBe('mariadb');
    const row = await sessions.committed().first<Record<string, unknown>>(
      sql`SELECT @@SESSION.sql_mode AS mode, @@SESSION.time_zone AS zone, @@SESSION.collation_connection AS collation, @@SESSION.tx_isolation AS isolation, 'a' = 'a ' AS padded`,
    );
    expect(String(row?.['mode']).split(',')).toEqual(expect.arrayContaining(['ANSI_QUOTES', 'NO_BACKSLASH_ESCAPES', 'STRICT_ALL_TABLES', 'NO_ZERO_DATE']));
    expect(row).toMatchObject({ zone: '+00:00', collation: 'utf8mb4_nopad_bin', isolation: 'READ-COMMITTED', padded: 0 });
  });

  it('round-trips U+0000, backslashes, quotes and 4-byte UTF-8 as bound parameters', async () => {
    const name = 'Nul\u0000 \\ \' " 😀 𐐀';
    await sessions.write((session) => insertTenant(session, 'acme', name));
    expect(await sessions.committed().first(sql`SELECT name FROM tenants WHERE name = ${parameter(name)}`)).toEqual({ name });
  });

  it('compares text without pad: a trailing space makes another userName', async () => {
    await sessions.write(async (session) => {
      await insertTenant(session, 'acme');
      await insertUser(session, 'acme', 'u1', 'bjensen');
      await insertUser(session, 'acme', 'u2', 'bjensen ');
    });
    expect(await sessions.committed().all(sql`SELECT id FROM users WHERE user_name_ci = ${parameter('bjensen')}`)).toEqual([{ id: 'u1' }]);
  });

  it('keeps userName unique at any length through the hash index (64 Ki characters, beyond any key prefix)', async () => {
    const long = `${'x'.repeat(64 * 1024 - 1)}`;
    await sessions.write(async (session) => {
      await insertTenant(session, 'acme');
      await insertUser(session, 'acme', 'u1', `${long}a`);
      await insertUser(session, 'acme', 'u2', `${long}b`);
    });
    await expect(sessions.write((session) => insertUser(session, 'acme', 'u3', `${long}A`))).rejects.toMatchObject({ errno: 1062 });
  });

  it('reads committed data only through committed(), and the transaction its own writes through current()', async () => {
    await sessions.write(async (session) => {
      await insertTenant(session, 'acme');
      expect(await tenantIds(sessions.committed())).toEqual([]);
      expect(await tenantIds(sessions.current())).toEqual(['acme']);
    });
    expect(await tenantIds(sessions.committed())).toEqual(['acme']);
    expect(sessions.current()).toBe(sessions.committed());
  });

  it('joins the running transaction when write is called inside write: one connection, one rollback for both', async () => {
    await expect(
      sessions.write(async (outer) => {
        await insertTenant(outer, 'outer');
        await sessions.write(async (inner) => {
          expect(inner).toBe(outer);
          await insertTenant(inner, 'inner');
        });
        throw new RangeError('the outer callback fails after the inner write');
      }),
    ).rejects.toBeInstanceOf(RangeError);
    expect(await tenantIds(sessions.committed())).toEqual([]);
  });

  it('runs a transaction that InnoDB rolled back to break a real deadlock again, so both writes succeed', async () => {
    await sessions.write(async (session) => {
      await insertTenant(session, 'a');
      await insertTenant(session, 'b');
    });
    let locked = 0;
    let bothLocked: () => void = () => undefined;
    const barrier = new Promise<void>((resolve) => (bothLocked = resolve));
    let runs = 0;
    const crossing = (first: string, second: string) =>
      sessions.write(async (session) => {
        runs += 1;
        await renameTenant(session, first, `by ${first}`);
        locked += 1;
        if (locked === 2) bothLocked();
        await barrier;
        await renameTenant(session, second, `by ${first}`);
      });
    await Promise.all([crossing('a', 'b'), crossing('b', 'a')]);
    expect(runs).toBe(3);
    expect(sessions.statementErrors().get('errno_1213')).toBe(1);
    const names = await sessions.committed().all<{ name: string }>(sql`SELECT name FROM tenants ORDER BY id`);
    expect(new Set(names.map((row) => row.name)).size).toBe(1);
  });

  it('does not commit a transaction whose callback swallowed a failed statement (MySQL would go on): the failure is thrown and nothing stays', async () => {
    await sessions.write((session) => insertTenant(session, 'acme'));
    const outcome = sessions.write(async (session) => {
      await insertTenant(session, 'other');
      await insertTenant(session, 'acme').catch(() => undefined);
      return 'pretends to have succeeded';
    });
    await expect(outcome).rejects.toMatchObject({ errno: 1062 });
    expect(await tenantIds(sessions.committed())).toEqual(['acme']);
  });

  it('maps constraint failures to the names PostgreSQL gives them: a taken userName, a duplicate primary key, a missing tenant', async () => {
    await sessions.write(async (session) => {
      await insertTenant(session, 'acme');
      await insertUser(session, 'acme', 'u1', 'bjensen');
    });
    const failureOf = (work: (session: SqlSession) => Promise<unknown>) =>
      sessions.write(work).then(
        () => expect.unreachable('the statement should have failed'),
        (error: unknown) => sessions.failure(error),
      );
    expect(await failureOf((session) => insertUser(session, 'acme', 'u2', 'BJensen'))).toEqual({ kind: 'unique', constraint: 'users_user_name' });
    expect(await failureOf((session) => insertTenant(session, 'acme'))).toEqual({ kind: 'unique', constraint: 'tenants_pkey' });
    expect(await failureOf((session) => insertUser(session, 'nobody', 'u3', 'x'))).toEqual({ kind: 'foreignKey', constraint: 'users_tenant_id_fkey' });
    expect(sessions.failure(new RangeError('not a database error'))).toEqual({ kind: 'other' });
  });

  it('answers a connection lost mid-transaction with StoreUnavailableError, keeps nothing of it, and does not pool that connection again', async () => {
    await expect(
      sessions.write(async (session) => {
        await insertTenant(session, 'lost');
        await session.run(sql`KILL CONNECTION CONNECTION_ID()`);
      }),
    ).rejects.toBeInstanceOf(StoreUnavailableError);
    await sessions.write((session) => insertTenant(session, 'after'));
    expect(await tenantIds(sessions.committed())).toEqual(['after']);
  });

  it('a snapshot keeps reading the state it began with', async () => {
    await sessions.write((session) => insertTenant(session, 'acme'));
    const snapshot = await sessions.openSnapshot();
    try {
      expect(await snapshot.rows(sql`SELECT id FROM tenants`)).toEqual([{ id: 'acme' }]);
      await sessions.write((session) => insertTenant(session, 'later'));
      expect(await snapshot.rows(sql`SELECT id FROM tenants`)).toEqual([{ id: 'acme' }]);
    } finally {
      await snapshot.close();
    }
  });

  it('close waits for the transaction under way, then refuses new work with a TypeError', async () => {
    let releaseWrite: () => void = () => undefined;
    const holds = new Promise<void>((resolve) => (releaseWrite = resolve));
    const running = sessions.write(async (session) => {
      await insertTenant(session, 'acme');
      await holds;
      await insertTenant(session, 'after close began');
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const closing = sessions.close();
    await expect(sessions.write(async () => undefined)).rejects.toThrow(/closed/);
    releaseWrite();
    await Promise.all([running, closing]);
    await expect(tenantIds(sessions.committed())).rejects.toThrow(/closed/);
    const check = await mysql.createConnection({ uri: database.url });
    try {
      expect((await check.query('SELECT id FROM tenants ORDER BY id'))[0]).toEqual([{ id: 'acme' }, { id: 'after close began' }]);
    } finally {
      await check.end();
    }
  });
});

describe.skipIf(!available)('MySQL migrations on MariaDB', () => {
  it('two instances opening one new database at once apply each migration once', async () => {
    const database = await createTestDatabase('scimitar_migrate');
    try {
      const opened = await Promise.all([openMysqlSessions({ url: database.url, poolSize: 1 }), openMysqlSessions({ url: database.url, poolSize: 1 })]);
      try {
        const applied = opened.map((each) => each.migrations.applied);
        const history = mysqlMigrations.map((migration) => migration.version);
        expect([...applied[0]!, ...applied[1]!].sort((a, b) => a - b)).toEqual(history);
        expect(applied.some((versions) => versions.length === 0)).toBe(true);
        const rows = await opened[0]!.sessions.committed().all<{ version: number }>(sql`SELECT version FROM schema_migrations ORDER BY version`);
        expect(rows.map((row) => row.version)).toEqual(history);
      } finally {
        await Promise.all(opened.map((each) => each.sessions.close()));
      }
    } finally {
      await database.drop();
    }
  });

  it('creates every table InnoDB in utf8mb4 with the binary collation without pad', async () => {
    const database = await createTestDatabase('scimitar_migrate');
    try {
      const { sessions } = await openMysqlSessions({ url: database.url, poolSize: 1 });
      try {
        const tables = await sessions.committed().all<{ name: string; engine: string; collation: string }>(
          sql`SELECT TABLE_NAME AS name, ENGINE AS engine, TABLE_COLLATION AS collation FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE() ORDER BY TABLE_NAME`,
        );
        expect(tables.length).toBeGreaterThan(10);
        for (const table of tables) expect(table).toMatchObject({ engine: 'InnoDB', collation: 'utf8mb4_nopad_bin' });
      } finally {
        await sessions.close();
      }
    } finally {
      await database.drop();
    }
  });
});

describe('MySQL driver on an unreachable server', () => {
  it('answers opening, reads and transactions with StoreUnavailableError', async () => {
    await expect(openMysqlSessions({ url: 'mysql://root@127.0.0.1:1/test', poolSize: 1, statementTimeoutMs: 2_000 })).rejects.toBeInstanceOf(StoreUnavailableError);
    const pool = createMysqlPool({ url: 'mysql://root@127.0.0.1:1/test', poolSize: 1, statementTimeoutMs: 2_000 });
    const sessions = new MysqlSessions(pool, { engine: 'mariadb', collations: { text: 'utf8mb4_nopad_bin', caseFold: 'utf8mb4_unicode_520_ci' }, statementTimeoutMs: 2_000 });
    try {
      await expect(sessions.committed().all(sql`SELECT 1`)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(sessions.write((session) => session.run(sql`SELECT 1`))).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(sessions.statementErrors().get('connection')).toBe(2);
    } finally {
      await sessions.close();
    }
  });
});
