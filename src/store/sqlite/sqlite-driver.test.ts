import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parameter, sql } from '../sql/fragment.js';
import type { SqlSession } from '../sql/session.js';
import { MAX_TRANSACTION_ATTEMPTS } from '../sql/transactions.js';
import { openReaderDatabase, openWriterDatabase, SqliteConnection } from './connection.js';
import { migrateSqlite } from './migrate.js';
import { SqliteSessions } from './sqlite-driver.js';

const NOW = '2024-01-01T00:00:00.000Z';

const insertTenant = (session: SqlSession, id: string) =>
  session.run(sql`INSERT INTO tenants (id, name, created_at) VALUES (${parameter(id)}, ${parameter(id)}, ${parameter(NOW)})`);

const insertUser = (session: SqlSession, tenantId: string, id: string, userName: string) =>
  session.run(sql`INSERT INTO users (tenant_id, id, user_name, user_name_ci, attributes, created, last_modified, version)
VALUES (${parameter(tenantId)}, ${parameter(id)}, ${parameter(userName)}, ${parameter(userName.toLowerCase())}, '{}', ${parameter(NOW)}, ${parameter(NOW)}, 1)`);

const tenantIds = async (session: SqlSession) => (await session.all<{ id: string }>(sql`SELECT id FROM tenants ORDER BY id`)).map((row) => row.id);

describe('SQLite driver (SqliteSessions)', () => {
  let directory: string;
  let filename: string;
  let writer: SqliteConnection;
  let sessions: SqliteSessions;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-driver-'));
    filename = path.join(directory, 'driver.db');
    const writerDb = openWriterDatabase(filename);
    migrateSqlite(writerDb);
    writer = new SqliteConnection(writerDb);
    sessions = new SqliteSessions({ writer, reader: new SqliteConnection(openReaderDatabase(filename)) });
  });

  afterEach(async () => {
    await sessions.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('reads committed data only outside the transaction, and the transaction its own writes through current()', async () => {
    await sessions.write(async (session) => {
      await insertTenant(session, 'acme');
      expect(await tenantIds(sessions.committed())).toEqual([]);
      expect(await tenantIds(sessions.current())).toEqual(['acme']);
      expect(sessions.current()).toBe(session);
    });
    expect(await tenantIds(sessions.committed())).toEqual(['acme']);
    expect(sessions.current()).toBe(sessions.committed());
  });

  it('returns the number of rows a statement changed, and undefined from first() when no row matches', async () => {
    await sessions.write(async (session) => {
      await insertTenant(session, 'a');
      await insertTenant(session, 'b');
      expect(await session.run(sql`UPDATE tenants SET name = 'x'`)).toBe(2);
    });
    expect(await sessions.committed().first(sql`SELECT id FROM tenants WHERE id = ${parameter('zzz')}`)).toBeUndefined();
  });

  it('rolls everything back when the callback throws', async () => {
    await expect(
      sessions.write(async (session) => {
        await insertTenant(session, 'acme');
        throw new RangeError('changed its mind');
      }),
    ).rejects.toBeInstanceOf(RangeError);
    expect(await tenantIds(sessions.committed())).toEqual([]);
  });

  it('joins the running transaction when write is called inside write: one commit, or one rollback for both', async () => {
    await expect(
      sessions.write(async (outer) => {
        await insertTenant(outer, 'outer');
        await sessions.write(async (inner) => {
          expect(inner).toBe(outer);
          expect(await tenantIds(inner)).toEqual(['outer']);
          await insertTenant(inner, 'inner');
        });
        throw new RangeError('the outer callback fails after the inner write');
      }),
    ).rejects.toBeInstanceOf(RangeError);
    expect(await tenantIds(sessions.committed())).toEqual([]);
  });

  it('runs transactions one at a time: a second write waits until the first has committed', async () => {
    const order: string[] = [];
    let releaseFirst: () => void = () => undefined;
    const firstHolds = new Promise<void>((resolve) => (releaseFirst = resolve));
    const first = sessions.write(async (session) => {
      order.push('first begins');
      await insertTenant(session, 'first');
      await firstHolds;
      order.push('first ends');
    });
    const second = sessions.write(async (session) => {
      order.push('second begins');
      expect(await tenantIds(session)).toEqual(['first']);
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    releaseFirst();
    await Promise.all([first, second]);
    expect(order).toEqual(['first begins', 'first ends', 'second begins']);
  });

  it('does not commit a transaction whose callback swallowed a failed statement: the failure is thrown and nothing stays', async () => {
    await sessions.write((session) => insertTenant(session, 'acme'));
    const outcome = sessions.write(async (session) => {
      await insertTenant(session, 'other');
      await insertTenant(session, 'acme').catch(() => undefined);
      return 'pretends to have succeeded';
    });
    await expect(outcome).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_PRIMARYKEY' });
    expect(await tenantIds(sessions.committed())).toEqual(['acme']);
  });

  it('refuses statements after a failed one with a TypeError (as PostgreSQL aborts the transaction), and a session used after its transaction ended', async () => {
    await sessions.write((session) => insertTenant(session, 'acme'));
    let escaped: SqlSession | undefined;
    await expect(
      sessions.write(async (session) => {
        escaped = session;
        await insertTenant(session, 'acme').catch(() => undefined);
        await insertTenant(session, 'other');
      }),
    ).rejects.toThrow(/earlier statement of this transaction failed/);
    await expect(tenantIds(escaped as SqlSession)).rejects.toThrow(/transaction that has ended/);
  });

  it('maps constraint failures: a taken userName names its unique index, a duplicate primary key <table>_pkey, a missing tenant is a foreign key failure', async () => {
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
    expect(await failureOf((session) => insertUser(session, 'nobody', 'u3', 'x'))).toEqual({ kind: 'foreignKey', constraint: undefined });
    expect(sessions.failure(new RangeError('not a database error'))).toEqual({ kind: 'other' });
  });

  it('commits a sync:false write without waiting for the disk under synchronous=FULL, and goes back to FULL afterwards', async () => {
    // PRAGMA synchronous: 2 is FULL, 1 is NORMAL.
    expect(writer.db.pragma('synchronous', { simple: true })).toBe(2);
    await sessions.write(
      async (session) => {
        expect(writer.db.pragma('synchronous', { simple: true })).toBe(1);
        await insertTenant(session, 'log');
      },
      { sync: false },
    );
    expect(writer.db.pragma('synchronous', { simple: true })).toBe(2);
    await sessions.write(async () => {
      expect(writer.db.pragma('synchronous', { simple: true })).toBe(2);
    });
    expect(await tenantIds(sessions.committed())).toEqual(['log']);
  });

  it('runs the transaction again when another process holds the database file longer than the busy timeout', async () => {
    writer.db.pragma('busy_timeout = 20');
    const otherProcess = new Database(filename);
    otherProcess.exec('BEGIN IMMEDIATE');
    const released = new Promise<void>((resolve) =>
      setTimeout(() => {
        otherProcess.exec('COMMIT');
        otherProcess.close();
        resolve();
      }, 40),
    );
    let runs = 0;
    await sessions.write(async (session) => {
      runs += 1;
      await insertTenant(session, 'acme');
    });
    await released;
    expect(runs).toBe(1);
    expect(sessions.statementErrors().get('SQLITE_BUSY') ?? 0).toBeGreaterThanOrEqual(1);
    expect(await tenantIds(sessions.committed())).toEqual(['acme']);
  });

  it(`gives up after ${MAX_TRANSACTION_ATTEMPTS} attempts when the file stays locked`, async () => {
    writer.db.pragma('busy_timeout = 1');
    const otherProcess = new Database(filename);
    otherProcess.exec('BEGIN IMMEDIATE');
    try {
      await expect(sessions.write((session) => insertTenant(session, 'acme'))).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
      expect(sessions.statementErrors().get('SQLITE_BUSY')).toBe(MAX_TRANSACTION_ATTEMPTS);
    } finally {
      otherProcess.exec('ROLLBACK');
      otherProcess.close();
    }
  });

  it('close waits for the running transaction, and every use afterwards is a TypeError', async () => {
    let releaseWrite: () => void = () => undefined;
    const holds = new Promise<void>((resolve) => (releaseWrite = resolve));
    const running = sessions.write(async (session) => {
      await insertTenant(session, 'acme');
      await holds;
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    const closing = sessions.close();
    releaseWrite();
    await Promise.all([running, closing]);
    await expect(sessions.write(async () => undefined)).rejects.toThrow(/closed/);
    await expect(tenantIds(sessions.committed())).rejects.toThrow(/closed/);
    const reopened = new Database(filename, { readonly: true });
    expect(reopened.prepare('SELECT id FROM tenants').all()).toEqual([{ id: 'acme' }]);
    reopened.close();
  });
});
