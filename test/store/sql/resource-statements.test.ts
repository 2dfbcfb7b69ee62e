/**
 * The statements each resource read and write runs, pinned per database:
 * one entry per operation with the SQL text each dialect sends, recorded on
 * the real databases through their drivers (so the pins are statements
 * that ran; MySQL's on MariaDB). The list statements are pinned in list-query.test.ts and
 * filter-compiler.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, mariadbAvailableFor } from '../../store-contract/mariadb-support.js';
import { createTestSchema, dropTestSchema, postgresAvailableFor, postgresTestUrl } from '../../store-contract/postgres-support.js';
import type { NewEvent } from '../../../src/events/event.js';
import { openMysqlSessions } from '../../../src/store/mysql/index.js';
import { migratePostgres } from '../../../src/store/postgres/migrate.js';
import { createPool } from '../../../src/store/postgres/pool.js';
import { PostgresSessions } from '../../../src/store/postgres/postgres-driver.js';
import { openReaderDatabase, openWriterDatabase, SqliteConnection } from '../../../src/store/sqlite/connection.js';
import { migrateSqlite } from '../../../src/store/sqlite/migrate.js';
import { SqliteSessions } from '../../../src/store/sqlite/sqlite-driver.js';
import type { StoreReader, StoreWriter } from '../../../src/store/store.js';
import { createPostgresDialect } from '../../../src/store/sql/dialects/postgres.js';
import { parameter, renderSql, sql } from '../../../src/store/sql/fragment.js';
import { SqlResourceReader } from '../../../src/store/sql/resource-reader.js';
import { SqlResourceWriter } from '../../../src/store/sql/resource-writer.js';
import type { SqlDriver, SqlSession } from '../../../src/store/sql/session.js';

const TENANT = 'acme';
const NOW = '2024-01-01T00:00:00.000Z';
const LATER = '2024-01-02T00:00:00.000Z';
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';

type DatabaseName = 'sqlite' | 'postgres' | 'mysql';

/** The session, writing down the text of every statement sent through it. */
function recording(session: SqlSession, texts: string[]): SqlSession {
  return {
    dialect: session.dialect,
    all: (statement) => {
      texts.push(renderSql(statement, session.dialect).text);
      return session.all(statement);
    },
    first: (statement) => {
      texts.push(renderSql(statement, session.dialect).text);
      return session.first(statement);
    },
    run: (statement) => {
      texts.push(renderSql(statement, session.dialect).text);
      return session.run(statement);
    },
  };
}

/** Runs `read` on committed data, as store.reader does, and returns the texts of the statements it sent. */
async function readStatementsOf(sessions: SqlDriver, read: (reader: StoreReader) => Promise<unknown>): Promise<string[]> {
  const texts: string[] = [];
  const committed = recording(sessions.committed(), texts);
  await read(new SqlResourceReader(() => committed));
  return texts;
}

/** Runs `work` in one transaction of the driver, as a store does, and returns the texts of the statements it sent. */
async function statementsOf(sessions: SqlDriver, work: (writer: StoreWriter) => Promise<unknown>): Promise<string[]> {
  const texts: string[] = [];
  await sessions.write(async (session) => {
    const writer = new SqlResourceWriter(recording(session, texts), (error) => sessions.failure(error));
    try {
      await work(writer);
      await writer.flushCounts();
    } finally {
      writer.end();
    }
  });
  return texts;
}

const event = (id: string): NewEvent => ({
  id,
  type: 'user.created',
  timestamp: NOW,
  tenant: TENANT,
  resourceType: 'User',
  resourceId: 'u1',
  externalId: null,
  data: { resource: { id: 'u1' } },
  requestId: null,
});

interface WriteCase {
  readonly name: string;
  readonly work: (writer: StoreWriter) => Promise<unknown>;
  readonly expected: Readonly<Record<DatabaseName, readonly string[]>>;
}

/** In this order, on one database: each write starts from what the earlier ones left. */
const WRITES: readonly WriteCase[] = [
  {
    name: 'inserts a User with one row per email, and counts it just before COMMIT',
    work: (writer) =>
      writer.insertResource({
        tenantId: TENANT,
        resourceType: 'User',
        id: 'u1',
        attributes: { schemas: [USER], userName: 'bjensen', active: true, emails: [{ value: 'B@example.com', primary: true }, { value: 'b@home.example', type: 'home' }] },
        passwordHash: undefined,
        now: NOW,
      }),
    expected: {
      sqlite: [
        'INSERT INTO users (tenant_id, id, user_name, user_name_ci, external_id, display_name, active, attributes, created, last_modified, version, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        'INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)',
        'INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES (?, ?, ?) ON CONFLICT (tenant_id, resource_type) DO UPDATE SET count = resource_counts.count + excluded.count',
      ],
      postgres: [
        'INSERT INTO users (tenant_id, id, user_name, user_name_ci, external_id, display_name, active, attributes, created, last_modified, version, password_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)',
        'INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) VALUES ($1, $2, $3, $4, $5, $6), ($7, $8, $9, $10, $11, $12)',
        'INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, resource_type) DO UPDATE SET count = resource_counts.count + EXCLUDED.count',
      ],
      mysql: [
        'INSERT INTO users (tenant_id, id, user_name, user_name_ci, external_id, display_name, active, attributes, created, last_modified, version, password_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
        'INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)',
        'INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE count = resource_counts.count + VALUES(count)',
      ],
    },
  },
  {
    name: 'inserts a Group',
    work: (writer) => writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id: 'g1', attributes: { displayName: 'Admins' }, passwordHash: undefined, now: NOW }),
    expected: {
      sqlite: [
        'INSERT INTO "groups" (tenant_id, id, display_name, display_name_ci, external_id, attributes, created, last_modified, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        'INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES (?, ?, ?) ON CONFLICT (tenant_id, resource_type) DO UPDATE SET count = resource_counts.count + excluded.count',
      ],
      postgres: [
        'INSERT INTO "groups" (tenant_id, id, display_name, display_name_ci, external_id, attributes, created, last_modified, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
        'INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, resource_type) DO UPDATE SET count = resource_counts.count + EXCLUDED.count',
      ],
      mysql: [
        'INSERT INTO "groups" (tenant_id, id, display_name, display_name_ci, external_id, attributes, created, last_modified, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
        'INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE count = resource_counts.count + VALUES(count)',
      ],
    },
  },
  {
    name: 'reads a resource under the lock an UPDATE takes, then updates it by version with a new password hash, rewriting its email rows',
    work: async (writer) => {
      await writer.getResource(TENANT, 'User', 'u1');
      await writer.updateResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'bjensen', emails: [{ value: 'b@example.com' }] }, passwordHash: 'hash', expectedVersion: 1, now: LATER });
    },
    expected: {
      sqlite: [
        'SELECT id, attributes, created, last_modified, version FROM users WHERE tenant_id = ? AND id = ?',
        'UPDATE users SET user_name = ?, user_name_ci = ?, external_id = ?, display_name = ?, active = ?, attributes = ?, password_hash = ?, last_modified = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ? RETURNING id, attributes, created, last_modified, version',
        'DELETE FROM user_emails WHERE tenant_id = ? AND user_id = ?',
        'INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) VALUES (?, ?, ?, ?, ?, ?)',
      ],
      postgres: [
        'SELECT id, attributes, created, last_modified, version FROM users WHERE tenant_id = $1 AND id = $2 FOR NO KEY UPDATE',
        'UPDATE users SET user_name = $1, user_name_ci = $2, external_id = $3, display_name = $4, active = $5, attributes = $6, password_hash = $7, last_modified = $8, version = version + 1 WHERE tenant_id = $9 AND id = $10 AND version = $11 RETURNING id, attributes, created, last_modified, version',
        'DELETE FROM user_emails WHERE tenant_id = $1 AND user_id = $2',
        'INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) VALUES ($1, $2, $3, $4, $5, $6)',
      ],
      mysql: [
        'SELECT id, attributes, created, last_modified, version FROM users WHERE tenant_id = ? AND id = ? FOR UPDATE',
        'UPDATE users SET user_name = ?, user_name_ci = ?, external_id = ?, display_name = ?, active = ?, attributes = ?, password_hash = ?, last_modified = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?',
        'SELECT id, attributes, created, last_modified, version FROM users WHERE tenant_id = ? AND id = ?',
        'DELETE FROM user_emails WHERE tenant_id = ? AND user_id = ?',
        'INSERT INTO user_emails (tenant_id, user_id, position, value_ci, type_ci, is_primary) VALUES (?, ?, ?, ?, ?, ?)',
      ],
    },
  },
  {
    name: 'leaves the email rows when the caller knows emails did not change, and keeps the password hash',
    work: (writer) =>
      writer.updateResource({ tenantId: TENANT, resourceType: 'User', id: 'u1', attributes: { userName: 'bjensen', emails: [{ value: 'b@example.com' }] }, passwordHash: undefined, expectedVersion: 2, emailsUnchanged: true, now: LATER }),
    expected: {
      sqlite: [
        'UPDATE users SET user_name = ?, user_name_ci = ?, external_id = ?, display_name = ?, active = ?, attributes = ?, last_modified = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ? RETURNING id, attributes, created, last_modified, version',
      ],
      postgres: [
        'UPDATE users SET user_name = $1, user_name_ci = $2, external_id = $3, display_name = $4, active = $5, attributes = $6, last_modified = $7, version = version + 1 WHERE tenant_id = $8 AND id = $9 AND version = $10 RETURNING id, attributes, created, last_modified, version',
      ],
      mysql: [
        'UPDATE users SET user_name = ?, user_name_ci = ?, external_id = ?, display_name = ?, active = ?, attributes = ?, last_modified = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?',
        'SELECT id, attributes, created, last_modified, version FROM users WHERE tenant_id = ? AND id = ?',
      ],
    },
  },
  {
    name: 'tells 412 from 404 after a conditional UPDATE matched nothing',
    work: (writer) => writer.touchResource(TENANT, 'Group', 'g1', 7, LATER).catch(() => undefined),
    expected: {
      sqlite: [
        'UPDATE "groups" SET last_modified = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ? RETURNING id, attributes, created, last_modified, version',
        'SELECT version FROM "groups" WHERE tenant_id = ? AND id = ?',
      ],
      postgres: [
        'UPDATE "groups" SET last_modified = $1, version = version + 1 WHERE tenant_id = $2 AND id = $3 AND version = $4 RETURNING id, attributes, created, last_modified, version',
        'SELECT version FROM "groups" WHERE tenant_id = $1 AND id = $2',
      ],
      mysql: [
        'UPDATE "groups" SET last_modified = ?, version = version + 1 WHERE tenant_id = ? AND id = ? AND version = ?',
        'SELECT version FROM "groups" WHERE tenant_id = ? AND id = ?',
      ],
    },
  },
  {
    name: 'checks members under the lock a foreign key check takes, then adds them in one statement',
    work: async (writer) => {
      await writer.findResourceTypes(TENANT, ['u1', 'g1', 'nobody']);
      await writer.addMembers(TENANT, 'g1', [{ value: 'u1', type: 'User' }]);
    },
    expected: {
      sqlite: [
        "WITH found_0 AS (SELECT id, 'User' AS type FROM users WHERE tenant_id = ? AND id IN (?, ?, ?)), found_1 AS (SELECT id, 'Group' AS type FROM \"groups\" WHERE tenant_id = ? AND id IN (?, ?, ?)), found_2 AS (SELECT id, resource_type AS type FROM resources WHERE tenant_id = ? AND id IN (?, ?, ?)) SELECT id, type FROM found_0 UNION ALL SELECT id, type FROM found_1 UNION ALL SELECT id, type FROM found_2",
        'INSERT INTO group_members (tenant_id, group_id, member_id, member_type) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, group_id, member_id) DO NOTHING RETURNING member_id',
      ],
      postgres: [
        "WITH found_0 AS (SELECT id, 'User' AS type FROM users WHERE tenant_id = $1 AND id IN ($2, $3, $4) FOR KEY SHARE), found_1 AS (SELECT id, 'Group' AS type FROM \"groups\" WHERE tenant_id = $5 AND id IN ($6, $7, $8) FOR KEY SHARE), found_2 AS (SELECT id, resource_type AS type FROM resources WHERE tenant_id = $9 AND id IN ($10, $11, $12) FOR KEY SHARE) SELECT id, type FROM found_0 UNION ALL SELECT id, type FROM found_1 UNION ALL SELECT id, type FROM found_2",
        'INSERT INTO group_members (tenant_id, group_id, member_id, member_type) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, group_id, member_id) DO NOTHING RETURNING member_id',
      ],
      mysql: [
        "WITH found_0 AS (SELECT id, 'User' AS type FROM users WHERE tenant_id = ? AND id IN (?, ?, ?) LOCK IN SHARE MODE), found_1 AS (SELECT id, 'Group' AS type FROM \"groups\" WHERE tenant_id = ? AND id IN (?, ?, ?) LOCK IN SHARE MODE), found_2 AS (SELECT id, resource_type AS type FROM resources WHERE tenant_id = ? AND id IN (?, ?, ?) LOCK IN SHARE MODE) SELECT id, type FROM found_0 UNION ALL SELECT id, type FROM found_1 UNION ALL SELECT id, type FROM found_2",
        'SELECT member_id FROM group_members WHERE tenant_id = ? AND group_id = ? AND member_id IN (?) FOR UPDATE',
        'INSERT INTO group_members (tenant_id, group_id, member_id, member_type) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE tenant_id = tenant_id',
      ],
    },
  },
  {
    name: 'removes members by primary key',
    work: (writer) => writer.removeMembers(TENANT, 'g1', ['u1', 'nobody']),
    expected: {
      sqlite: [
        'DELETE FROM group_members WHERE tenant_id = ? AND group_id = ? AND member_id IN (?, ?) RETURNING member_id, member_type',
      ],
      postgres: [
        'DELETE FROM group_members WHERE tenant_id = $1 AND group_id = $2 AND member_id IN ($3, $4) RETURNING member_id, member_type',
      ],
      mysql: [
        'SELECT member_id, member_type FROM group_members WHERE tenant_id = ? AND group_id = ? AND member_id IN (?, ?) FOR UPDATE',
        'DELETE FROM group_members WHERE tenant_id = ? AND group_id = ? AND member_id IN (?, ?)',
      ],
    },
  },
  {
    name: 'deletes a member: the groups having it are locked in id order, touched, and its membership rows removed by primary key',
    work: async (writer) => {
      await writer.addMembers(TENANT, 'g1', [{ value: 'u1', type: 'User' }]);
      await writer.deleteResource(TENANT, 'User', 'u1', LATER);
    },
    expected: {
      sqlite: [
        'INSERT INTO group_members (tenant_id, group_id, member_id, member_type) VALUES (?, ?, ?, ?) ON CONFLICT (tenant_id, group_id, member_id) DO NOTHING RETURNING member_id',
        'DELETE FROM users WHERE tenant_id = ? AND id = ?',
        'SELECT g.id FROM "groups" AS g WHERE g.tenant_id = ? AND g.id IN (SELECT m.group_id FROM group_members AS m WHERE m.tenant_id = ? AND m.member_id = ?) ORDER BY g.id',
        'UPDATE "groups" SET last_modified = ?, version = version + 1 WHERE tenant_id = ? AND id IN (?) RETURNING id, attributes, created, last_modified, version',
        'DELETE FROM group_members WHERE tenant_id = ? AND group_id IN (?) AND member_id = ?',
        'INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES (?, ?, ?) ON CONFLICT (tenant_id, resource_type) DO UPDATE SET count = resource_counts.count + excluded.count',
      ],
      postgres: [
        'INSERT INTO group_members (tenant_id, group_id, member_id, member_type) VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, group_id, member_id) DO NOTHING RETURNING member_id',
        'DELETE FROM users WHERE tenant_id = $1 AND id = $2',
        'SELECT g.id FROM "groups" AS g WHERE g.tenant_id = $1 AND g.id IN (SELECT m.group_id FROM group_members AS m WHERE m.tenant_id = $2 AND m.member_id = $3) ORDER BY g.id FOR NO KEY UPDATE',
        'UPDATE "groups" SET last_modified = $1, version = version + 1 WHERE tenant_id = $2 AND id IN ($3) RETURNING id, attributes, created, last_modified, version',
        'DELETE FROM group_members WHERE tenant_id = $1 AND group_id IN ($2) AND member_id = $3',
        'INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES ($1, $2, $3) ON CONFLICT (tenant_id, resource_type) DO UPDATE SET count = resource_counts.count + EXCLUDED.count',
      ],
      mysql: [
        'SELECT member_id FROM group_members WHERE tenant_id = ? AND group_id = ? AND member_id IN (?) FOR UPDATE',
        'INSERT INTO group_members (tenant_id, group_id, member_id, member_type) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE tenant_id = tenant_id',
        'DELETE FROM users WHERE tenant_id = ? AND id = ?',
        'SELECT g.id FROM "groups" AS g WHERE g.tenant_id = ? AND g.id IN (SELECT m.group_id FROM group_members AS m WHERE m.tenant_id = ? AND m.member_id = ?) ORDER BY g.id FOR UPDATE',
        'UPDATE "groups" SET last_modified = ?, version = version + 1 WHERE tenant_id = ? AND id IN (?)',
        'SELECT id, attributes, created, last_modified, version FROM "groups" WHERE tenant_id = ? AND id IN (?)',
        'DELETE FROM group_members WHERE tenant_id = ? AND group_id IN (?) AND member_id = ?',
        'INSERT INTO resource_counts (tenant_id, resource_type, count) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE count = resource_counts.count + VALUES(count)',
      ],
    },
  },
  {
    name: 'appends events after reserving their sequence numbers',
    work: (writer) => writer.appendEvents([event('e1'), event('e2')]),
    expected: {
      sqlite: [
        'INSERT INTO event_sequences (tenant_id, last_sequence) VALUES (?, ?) ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = event_sequences.last_sequence + excluded.last_sequence RETURNING last_sequence',
        'INSERT INTO events (tenant_id, sequence, id, type, resource_type, resource_id, occurred_at, payload, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ],
      postgres: [
        'INSERT INTO event_sequences (tenant_id, last_sequence) VALUES ($1, $2) ON CONFLICT (tenant_id) DO UPDATE SET last_sequence = event_sequences.last_sequence + EXCLUDED.last_sequence RETURNING last_sequence',
        'INSERT INTO events (tenant_id, sequence, id, type, resource_type, resource_id, occurred_at, payload, request_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9), ($10, $11, $12, $13, $14, $15, $16, $17, $18)',
      ],
      mysql: [
        'INSERT INTO event_sequences (tenant_id, last_sequence) VALUES (?, ?) ON DUPLICATE KEY UPDATE last_sequence = event_sequences.last_sequence + VALUES(last_sequence)',
        'SELECT last_sequence FROM event_sequences WHERE tenant_id = ?',
        'INSERT INTO events (tenant_id, sequence, id, type, resource_type, resource_id, occurred_at, payload, request_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ],
    },
  },
];

interface ReadCase {
  readonly name: string;
  readonly read: (reader: StoreReader) => Promise<unknown>;
  readonly expected: Readonly<Record<DatabaseName, readonly string[]>>;
}

/** Run after WRITES, on what they left: u1 was deleted; g1 holds u2 and g2, g2 holds g1 (a cycle of nested groups). */
const SETUP: (writer: StoreWriter) => Promise<unknown> = async (writer) => {
  await writer.insertResource({ tenantId: TENANT, resourceType: 'User', id: 'u2', attributes: { userName: 'jsmith', displayName: 'John' }, passwordHash: undefined, now: NOW });
  await writer.insertResource({ tenantId: TENANT, resourceType: 'Group', id: 'g2', attributes: { displayName: 'Nested' }, passwordHash: undefined, now: NOW });
  await writer.addMembers(TENANT, 'g1', [{ value: 'u2', type: 'User' }, { value: 'g2', type: 'Group' }]);
  await writer.addMembers(TENANT, 'g2', [{ value: 'g1', type: 'Group' }]);
};

const READS: readonly ReadCase[] = [
  {
    name: 'reads a resource by its key, without a lock outside a transaction',
    read: (reader) => reader.getResource(TENANT, 'User', 'u2'),
    expected: {
      sqlite: [
        'SELECT id, attributes, created, last_modified, version FROM users WHERE tenant_id = ? AND id = ?',
      ],
      postgres: [
        'SELECT id, attributes, created, last_modified, version FROM users WHERE tenant_id = $1 AND id = $2',
      ],
      mysql: [
        'SELECT id, attributes, created, last_modified, version FROM users WHERE tenant_id = ? AND id = ?',
      ],
    },
  },
  {
    name: 'lists the members of a group with each one\'s display, from its own row',
    read: (reader) => reader.listMembers(TENANT, 'g1'),
    expected: {
      sqlite: [
        `
SELECT m.member_id AS value, m.member_type AS type, CASE m.member_type WHEN 'User' THEN COALESCE(u.display_name, u.user_name) WHEN 'Group' THEN g.display_name END AS display
FROM group_members AS m
LEFT JOIN users AS u ON m.member_type = 'User' AND u.tenant_id = m.tenant_id AND u.id = m.member_id
LEFT JOIN "groups" AS g ON m.member_type = 'Group' AND g.tenant_id = m.tenant_id AND g.id = m.member_id
WHERE m.tenant_id = ? AND m.group_id = ?
ORDER BY m.member_id`,
      ],
      postgres: [
        `
SELECT m.member_id AS value, m.member_type AS type, CASE m.member_type WHEN 'User' THEN COALESCE(u.display_name, u.user_name) WHEN 'Group' THEN g.display_name END AS display
FROM group_members AS m
LEFT JOIN users AS u ON m.member_type = 'User' AND u.tenant_id = m.tenant_id AND u.id = m.member_id
LEFT JOIN "groups" AS g ON m.member_type = 'Group' AND g.tenant_id = m.tenant_id AND g.id = m.member_id
WHERE m.tenant_id = $1 AND m.group_id = $2
ORDER BY m.member_id`,
      ],
      mysql: [
        `
SELECT m.member_id AS value, m.member_type AS type, CASE m.member_type WHEN 'User' THEN COALESCE(u.display_name, u.user_name) WHEN 'Group' THEN g.display_name END AS display
FROM group_members AS m
LEFT JOIN users AS u ON m.member_type = 'User' AND u.tenant_id = m.tenant_id AND u.id = m.member_id
LEFT JOIN "groups" AS g ON m.member_type = 'Group' AND g.tenant_id = m.tenant_id AND g.id = m.member_id
WHERE m.tenant_id = ? AND m.group_id = ?
ORDER BY m.member_id`,
      ],
    },
  },
  {
    name: 'lists them a keyset page at a time',
    read: (reader) => reader.listMembersPage(TENANT, 'g1', 'a', 100),
    expected: {
      sqlite: [
        `
SELECT m.member_id AS value, m.member_type AS type, CASE m.member_type WHEN 'User' THEN COALESCE(u.display_name, u.user_name) WHEN 'Group' THEN g.display_name END AS display
FROM group_members AS m
LEFT JOIN users AS u ON m.member_type = 'User' AND u.tenant_id = m.tenant_id AND u.id = m.member_id
LEFT JOIN "groups" AS g ON m.member_type = 'Group' AND g.tenant_id = m.tenant_id AND g.id = m.member_id
WHERE m.tenant_id = ? AND m.group_id = ? AND m.member_id > ?
ORDER BY m.member_id
LIMIT 100`,
      ],
      postgres: [
        `
SELECT m.member_id AS value, m.member_type AS type, CASE m.member_type WHEN 'User' THEN COALESCE(u.display_name, u.user_name) WHEN 'Group' THEN g.display_name END AS display
FROM group_members AS m
LEFT JOIN users AS u ON m.member_type = 'User' AND u.tenant_id = m.tenant_id AND u.id = m.member_id
LEFT JOIN "groups" AS g ON m.member_type = 'Group' AND g.tenant_id = m.tenant_id AND g.id = m.member_id
WHERE m.tenant_id = $1 AND m.group_id = $2 AND m.member_id > $3
ORDER BY m.member_id
LIMIT $4`,
      ],
      mysql: [
        `
SELECT m.member_id AS value, m.member_type AS type, CASE m.member_type WHEN 'User' THEN COALESCE(u.display_name, u.user_name) WHEN 'Group' THEN g.display_name END AS display
FROM group_members AS m
LEFT JOIN users AS u ON m.member_type = 'User' AND u.tenant_id = m.tenant_id AND u.id = m.member_id
LEFT JOIN "groups" AS g ON m.member_type = 'Group' AND g.tenant_id = m.tenant_id AND g.id = m.member_id
WHERE m.tenant_id = ? AND m.group_id = ? AND m.member_id > ?
ORDER BY m.member_id
LIMIT 100`,
      ],
    },
  },
  {
    name: 'reads the groups of a member: the direct ones, then, as one of them is nested, all of them through the recursive query',
    read: (reader) => reader.listMemberships(TENANT, 'u2'),
    expected: {
      sqlite: [
        `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       (SELECT TRUE FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1) AS nested
FROM group_members AS m CROSS JOIN "groups" AS g
WHERE m.tenant_id = ? AND m.member_id = ? AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`,
        `
WITH RECURSIVE reached(group_id, direct) AS (
  SELECT m.group_id, 1 FROM group_members AS m WHERE m.tenant_id = ? AND m.member_id = ?
  UNION
  SELECT m.group_id, 0 FROM reached CROSS JOIN group_members AS m WHERE m.tenant_id = ? AND m.member_id = reached.group_id
)
SELECT g.id AS value, g.display_name AS display, MAX(reached.direct) AS direct
FROM reached CROSS JOIN "groups" AS g
WHERE g.tenant_id = ? AND g.id = reached.group_id AND g.id <> ?
GROUP BY g.id, g.display_name
ORDER BY g.id`,
      ],
      postgres: [
        `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       (SELECT TRUE FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1) AS nested
FROM group_members AS m CROSS JOIN "groups" AS g
WHERE m.tenant_id = $1 AND m.member_id = $2 AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`,
        `
WITH RECURSIVE reached(group_id, direct) AS (
  SELECT m.group_id, 1 FROM group_members AS m WHERE m.tenant_id = $1 AND m.member_id = $2
  UNION
  SELECT m.group_id, 0 FROM reached CROSS JOIN group_members AS m WHERE m.tenant_id = $3 AND m.member_id = reached.group_id
)
SELECT g.id AS value, g.display_name AS display, MAX(reached.direct) AS direct
FROM reached CROSS JOIN "groups" AS g
WHERE g.tenant_id = $4 AND g.id = reached.group_id AND g.id <> $5
GROUP BY g.id, g.display_name
ORDER BY g.id`,
      ],
      mysql: [
        `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       (SELECT TRUE FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1) AS nested
FROM group_members AS m CROSS JOIN "groups" AS g
WHERE m.tenant_id = ? AND m.member_id = ? AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`,
        `
WITH RECURSIVE reached(group_id, direct) AS (
  SELECT m.group_id, 1 FROM group_members AS m WHERE m.tenant_id = ? AND m.member_id = ?
  UNION
  SELECT m.group_id, 0 FROM reached CROSS JOIN group_members AS m WHERE m.tenant_id = ? AND m.member_id = reached.group_id
)
SELECT g.id AS value, g.display_name AS display, MAX(reached.direct) AS direct
FROM reached CROSS JOIN "groups" AS g
WHERE g.tenant_id = ? AND g.id = reached.group_id AND g.id <> ?
GROUP BY g.id, g.display_name
ORDER BY g.id`,
      ],
    },
  },
  {
    name: 'reads the direct groups of a page of members in one statement',
    read: (reader) => reader.listMembershipsOfMany(TENANT, ['g2', 'nobody']),
    expected: {
      sqlite: [
        `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       (SELECT TRUE FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1) AS nested
FROM group_members AS m CROSS JOIN "groups" AS g
WHERE m.tenant_id = ? AND m.member_id IN (?, ?) AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`,
        `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       (SELECT TRUE FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1) AS nested
FROM group_members AS m CROSS JOIN "groups" AS g
WHERE m.tenant_id = ? AND m.member_id = ? AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`,
        `
WITH RECURSIVE reached(group_id, direct) AS (
  SELECT m.group_id, 1 FROM group_members AS m WHERE m.tenant_id = ? AND m.member_id = ?
  UNION
  SELECT m.group_id, 0 FROM reached CROSS JOIN group_members AS m WHERE m.tenant_id = ? AND m.member_id = reached.group_id
)
SELECT g.id AS value, g.display_name AS display, MAX(reached.direct) AS direct
FROM reached CROSS JOIN "groups" AS g
WHERE g.tenant_id = ? AND g.id = reached.group_id AND g.id <> ?
GROUP BY g.id, g.display_name
ORDER BY g.id`,
      ],
      postgres: [
        `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       (SELECT TRUE FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1) AS nested
FROM group_members AS m CROSS JOIN "groups" AS g
WHERE m.tenant_id = $1 AND m.member_id IN ($2, $3) AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`,
        `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       (SELECT TRUE FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1) AS nested
FROM group_members AS m CROSS JOIN "groups" AS g
WHERE m.tenant_id = $1 AND m.member_id = $2 AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`,
        `
WITH RECURSIVE reached(group_id, direct) AS (
  SELECT m.group_id, 1 FROM group_members AS m WHERE m.tenant_id = $1 AND m.member_id = $2
  UNION
  SELECT m.group_id, 0 FROM reached CROSS JOIN group_members AS m WHERE m.tenant_id = $3 AND m.member_id = reached.group_id
)
SELECT g.id AS value, g.display_name AS display, MAX(reached.direct) AS direct
FROM reached CROSS JOIN "groups" AS g
WHERE g.tenant_id = $4 AND g.id = reached.group_id AND g.id <> $5
GROUP BY g.id, g.display_name
ORDER BY g.id`,
      ],
      mysql: [
        `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       (SELECT TRUE FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1) AS nested
FROM group_members AS m CROSS JOIN "groups" AS g
WHERE m.tenant_id = ? AND m.member_id IN (?, ?) AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`,
        `
SELECT m.member_id AS member, m.group_id AS value, g.display_name AS display,
       (SELECT TRUE FROM group_members AS p WHERE p.tenant_id = m.tenant_id AND p.member_id = m.group_id LIMIT 1) AS nested
FROM group_members AS m CROSS JOIN "groups" AS g
WHERE m.tenant_id = ? AND m.member_id = ? AND g.tenant_id = m.tenant_id AND g.id = m.group_id AND g.id <> m.member_id
ORDER BY m.member_id, m.group_id`,
        `
WITH RECURSIVE reached(group_id, direct) AS (
  SELECT m.group_id, 1 FROM group_members AS m WHERE m.tenant_id = ? AND m.member_id = ?
  UNION
  SELECT m.group_id, 0 FROM reached CROSS JOIN group_members AS m WHERE m.tenant_id = ? AND m.member_id = reached.group_id
)
SELECT g.id AS value, g.display_name AS display, MAX(reached.direct) AS direct
FROM reached CROSS JOIN "groups" AS g
WHERE g.tenant_id = ? AND g.id = reached.group_id AND g.id <> ?
GROUP BY g.id, g.display_name
ORDER BY g.id`,
      ],
    },
  },
  {
    name: 'finds which ids exist, and as what, in every table a resource can be in',
    read: (reader) => reader.findResourceTypes(TENANT, ['u2', 'g1']),
    expected: {
      sqlite: [
        "WITH found_0 AS (SELECT id, 'User' AS type FROM users WHERE tenant_id = ? AND id IN (?, ?)), found_1 AS (SELECT id, 'Group' AS type FROM \"groups\" WHERE tenant_id = ? AND id IN (?, ?)), found_2 AS (SELECT id, resource_type AS type FROM resources WHERE tenant_id = ? AND id IN (?, ?)) SELECT id, type FROM found_0 UNION ALL SELECT id, type FROM found_1 UNION ALL SELECT id, type FROM found_2",
      ],
      postgres: [
        "WITH found_0 AS (SELECT id, 'User' AS type FROM users WHERE tenant_id = $1 AND id IN ($2, $3)), found_1 AS (SELECT id, 'Group' AS type FROM \"groups\" WHERE tenant_id = $4 AND id IN ($5, $6)), found_2 AS (SELECT id, resource_type AS type FROM resources WHERE tenant_id = $7 AND id IN ($8, $9)) SELECT id, type FROM found_0 UNION ALL SELECT id, type FROM found_1 UNION ALL SELECT id, type FROM found_2",
      ],
      mysql: [
        "WITH found_0 AS (SELECT id, 'User' AS type FROM users WHERE tenant_id = ? AND id IN (?, ?)), found_1 AS (SELECT id, 'Group' AS type FROM \"groups\" WHERE tenant_id = ? AND id IN (?, ?)), found_2 AS (SELECT id, resource_type AS type FROM resources WHERE tenant_id = ? AND id IN (?, ?)) SELECT id, type FROM found_0 UNION ALL SELECT id, type FROM found_1 UNION ALL SELECT id, type FROM found_2",
      ],
    },
  },
];

interface OpenedDriver {
  readonly sessions: SqlDriver;
  close(): Promise<void>;
}

const postgresAvailable = await postgresAvailableFor('the PostgreSQL resource writer statements');
const mariadbAvailable = await mariadbAvailableFor('the MySQL resource writer statements (on MariaDB)');

const DATABASES: readonly { readonly name: DatabaseName; readonly available: boolean; readonly open: () => Promise<OpenedDriver> }[] = [
  {
    name: 'sqlite',
    available: true,
    open: async () => {
      const directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-writer-'));
      const filename = path.join(directory, 'writer.db');
      const writerDb = openWriterDatabase(filename);
      migrateSqlite(writerDb);
      const sessions = new SqliteSessions({ writer: new SqliteConnection(writerDb), reader: new SqliteConnection(openReaderDatabase(filename)) });
      return {
        sessions,
        close: async () => {
          await sessions.close();
          fs.rmSync(directory, { recursive: true, force: true });
        },
      };
    },
  },
  {
    name: 'postgres',
    available: postgresAvailable,
    open: async () => {
      const schema = await createTestSchema('scimitar_writer');
      const pool = createPool({ url: postgresTestUrl(), schema, poolSize: 2, statementTimeoutMs: 10_000 });
      const client = await pool.connect();
      try {
        await migratePostgres(client, schema);
      } finally {
        client.release();
      }
      const sessions = new PostgresSessions({ pool, dialect: createPostgresDialect('icu') });
      return {
        sessions,
        close: async () => {
          await sessions.close();
          await dropTestSchema(schema);
        },
      };
    },
  },
  {
    name: 'mysql',
    available: mariadbAvailable,
    open: async () => {
      const database = await createTestDatabase('scimitar_writer');
      const { sessions } = await openMysqlSessions({ url: database.url, poolSize: 2 });
      return {
        sessions,
        close: async () => {
          await sessions.close();
          await database.drop();
        },
      };
    },
  },
];

describe('resource statements', () => {
  for (const database of DATABASES) {
    describe.skipIf(!database.available)(database.name, () => {
      let opened: OpenedDriver;

      beforeAll(async () => {
        opened = await database.open();
        await opened.sessions.write((session) => session.run(sql`INSERT INTO tenants (id, name, created_at) VALUES (${parameter(TENANT)}, 'Acme', ${parameter(NOW)})`));
      });

      afterAll(async () => {
        await opened?.close();
      });

      for (const write of WRITES) {
        it(write.name, async () => {
          expect(await statementsOf(opened.sessions, write.work)).toEqual(write.expected[database.name]);
        });
      }

      describe('reads', () => {
        beforeAll(() => statementsOf(opened.sessions, SETUP));

        for (const read of READS) {
          it(read.name, async () => {
            expect(await readStatementsOf(opened.sessions, read.read)).toEqual(read.expected[database.name]);
          });
        }
      });
    });
  }
});
