import type { Pool } from 'pg';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dropTestSchema, migratedTestPool, postgresAvailableFor, postgresTestUrl } from '../../store-contract/postgres-support.js';
import { createPostgresDialect } from '../../../src/store/sql/dialects/postgres.js';
import { parameter, sql } from '../../../src/store/sql/fragment.js';
import type { SqlSession } from '../../../src/store/sql/session.js';
import { StoreUnavailableError } from '../../../src/store/store-unavailable.js';
import { createPool } from '../../../src/store/postgres/pool.js';
import { PostgresSessions } from '../../../src/store/postgres/postgres-driver.js';

const NOW = '2024-01-01T00:00:00.000Z';
const dialect = createPostgresDialect('database');

const insertTenant = (session: SqlSession, id: string) =>
  session.run(sql`INSERT INTO tenants (id, name, created_at) VALUES (${parameter(id)}, ${parameter(id)}, ${parameter(NOW)})`);

const insertUser = (session: SqlSession, tenantId: string, id: string, userName: string) =>
  session.run(sql`INSERT INTO users (tenant_id, id, user_name, user_name_ci, attributes, created, last_modified, version)
VALUES (${parameter(tenantId)}, ${parameter(id)}, ${parameter(userName)}, ${parameter(userName.toLowerCase())}, '{}', ${parameter(NOW)}, ${parameter(NOW)}, 1)`);

const tenantIds = async (session: SqlSession) => (await session.all<{ id: string }>(sql`SELECT id FROM tenants ORDER BY id`)).map((row) => row.id);

const renameTenant = (session: SqlSession, id: string, name: string) => session.run(sql`UPDATE tenants SET name = ${parameter(name)} WHERE id = ${parameter(id)}`);

const available = await postgresAvailableFor('the PostgreSQL driver test');

describe.skipIf(!available)('PostgreSQL driver (PostgresSessions)', () => {
  let schema: string;
  let pool: Pool;
  let sessions: PostgresSessions;

  beforeEach(async () => {
    ({ schema, pool } = await migratedTestPool('scimitar_driver', 4));
    sessions = new PostgresSessions({ pool, dialect });
  });

  afterEach(async () => {
    await sessions.close();
    await dropTestSchema(schema);
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

  it('runs a transaction that PostgreSQL aborted to break a real deadlock again, so both writes succeed', async () => {
    await sessions.write(async (session) => {
      await insertTenant(session, 'a');
      await insertTenant(session, 'b');
    });
    // Each transaction locks one row, waits until the other has locked the other, then asks for it.
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
    // At least one run again; a loaded machine may make the retried one collide once more.
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(sessions.statementErrors().get('sqlstate_40')).toBe(runs - 2);
    const names = await sessions.committed().all<{ name: string }>(sql`SELECT name FROM tenants ORDER BY id`);
    // The retried transaction ran last, so both of its updates stand.
    expect(new Set(names.map((row) => row.name)).size).toBe(1);
  });

  it('runs a deadlocked transaction again even when its callback caught the deadlock and went on', async () => {
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
        // Careless store logic: the deadlock is swallowed, and the next statement is refused.
        await renameTenant(session, second, `by ${first}`).catch(() => undefined);
        await session.run(sql`SELECT 1`);
      });
    await Promise.all([crossing('a', 'b'), crossing('b', 'a')]);
    expect(runs).toBeGreaterThanOrEqual(3);
  });

  it('does not commit a transaction whose callback swallowed a failed statement: the failure is thrown and nothing stays', async () => {
    await sessions.write((session) => insertTenant(session, 'acme'));
    const outcome = sessions.write(async (session) => {
      await insertTenant(session, 'other');
      await insertTenant(session, 'acme').catch(() => undefined);
      return 'pretends to have succeeded';
    });
    await expect(outcome).rejects.toMatchObject({ code: '23505' });
    expect(await tenantIds(sessions.committed())).toEqual(['acme']);
  });

  it('refuses statements after a failed one with a TypeError, since PostgreSQL has aborted the transaction', async () => {
    await sessions.write((session) => insertTenant(session, 'acme'));
    await expect(
      sessions.write(async (session) => {
        await insertTenant(session, 'acme').catch(() => undefined);
        await insertTenant(session, 'other');
      }),
    ).rejects.toThrow(/earlier statement of this transaction failed/);
    // The connection went back to the pool usable.
    expect(await tenantIds(sessions.committed())).toEqual(['acme']);
  });

  it('maps constraint failures by the constraint PostgreSQL names: a taken userName, a duplicate key, a missing tenant', async () => {
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

  it('answers a connection lost mid-transaction with StoreUnavailableError, and does not pool that connection again', async () => {
    await expect(sessions.write((session) => session.run(sql`SELECT pg_terminate_backend(pg_backend_pid())`))).rejects.toBeInstanceOf(StoreUnavailableError);
    await sessions.write((session) => insertTenant(session, 'after'));
    expect(await tenantIds(sessions.committed())).toEqual(['after']);
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
    const check = createPool({ url: postgresTestUrl(), schema, poolSize: 1, statementTimeoutMs: 10_000 });
    try {
      expect((await check.query('SELECT id FROM tenants ORDER BY id')).rows).toEqual([{ id: 'acme' }, { id: 'after close began' }]);
    } finally {
      await check.end();
    }
  });
});

describe('PostgreSQL driver on an unreachable server', () => {
  it('answers reads and transactions with StoreUnavailableError', async () => {
    const unreachable = createPool({ url: 'postgres://postgres@127.0.0.1:1/test', schema: 'public', poolSize: 1, statementTimeoutMs: 2_000 });
    const sessions = new PostgresSessions({ pool: unreachable, dialect });
    try {
      await expect(sessions.committed().all(sql`SELECT 1`)).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(sessions.write((session) => session.run(sql`SELECT 1`))).rejects.toBeInstanceOf(StoreUnavailableError);
      expect(sessions.statementErrors().get('connection')).toBe(2);
    } finally {
      await sessions.close();
    }
  });
});
