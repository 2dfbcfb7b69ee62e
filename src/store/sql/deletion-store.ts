/**
 * The delete policy's and the safeguard's rows (src/store/deletion-store.ts),
 * written once for every database. Reads go through `sessions.current()`
 * and writes through `sessions.write()`, so inside `store.transaction` they
 * run on the transaction's session and commit with the delete they belong to.
 */
import type {
  ArchivedState,
  ArchivedUser,
  DeletePolicy,
  DeletionSettings,
  DeletionStore,
  SafeguardWindow,
  TenantDeletionState,
} from '../deletion-store.js';
import { DEFAULT_DELETION_SETTINGS } from '../deletion-store.js';
import { canonicalTimestamp } from '../rows.js';
import type { ResourceAttributes } from '../store.js';
import { joinSql, parameter, rawSql, sql, type SqlFragment } from './fragment.js';
import type { SqlSessions } from './session.js';

const SETTINGS_COLUMNS = rawSql(
  'delete_policy, soft_delete_days, safeguard_enabled, safeguard_percent, safeguard_minimum, safeguard_window_minutes, window_started_at, window_users, window_deletions, tripped_at',
);

const ARCHIVE_COLUMNS = rawSql(
  'tenant_id, id, external_id, state, attributes, password_hash, created, last_modified, version, group_ids, base_url, deleted_at, purge_after',
);

interface SettingsRow {
  readonly delete_policy: string;
  readonly soft_delete_days: unknown;
  readonly safeguard_enabled: unknown;
  readonly safeguard_percent: unknown;
  readonly safeguard_minimum: unknown;
  readonly safeguard_window_minutes: unknown;
  readonly window_started_at: string | null;
  readonly window_users: unknown;
  readonly window_deletions: unknown;
  readonly tripped_at: string | null;
}

interface ArchiveRow {
  readonly tenant_id: string;
  readonly id: string;
  readonly external_id: string | null;
  readonly state: string;
  readonly attributes: string;
  readonly password_hash: string | null;
  readonly created: string;
  readonly last_modified: string;
  readonly version: unknown;
  readonly group_ids: string;
  readonly base_url: string;
  readonly deleted_at: string;
  readonly purge_after: string | null;
}

const NO_WINDOW: SafeguardWindow = Object.freeze({ startedAt: undefined, users: 0, deletions: 0, trippedAt: undefined });

export class SqlDeletionStore implements DeletionStore {
  constructor(private readonly sessions: SqlSessions) {}

  state(tenantId: string): Promise<TenantDeletionState> {
    return this.readState(tenantId, sql``);
  }

  lockState(tenantId: string): Promise<TenantDeletionState> {
    const { dialect } = this.sessions;
    return this.sessions.write(async (session) => {
      // The row must exist to be locked: the defaults are written on a tenant's first guarded delete.
      await session.run(
        sql`INSERT INTO deletion_settings (tenant_id, ${SETTINGS_COLUMNS}) VALUES (${parameter(tenantId)}, ${settingsValues(DEFAULT_DELETION_SETTINGS, NO_WINDOW)})${dialect.onDuplicateIgnore(['tenant_id'])}`,
      );
      return this.readState(tenantId, dialect.rowLock('update'));
    });
  }

  async saveSettings(tenantId: string, settings: DeletionSettings): Promise<void> {
    const { dialect } = this.sessions;
    await this.sessions.write((session) =>
      session.run(
        sql`INSERT INTO deletion_settings (tenant_id, ${SETTINGS_COLUMNS}) VALUES (${parameter(tenantId)}, ${settingsValues(settings, NO_WINDOW)})${dialect.onDuplicateUpdate(
          'deletion_settings',
          ['tenant_id'],
          (_existing, proposed) =>
            joinSql(
              ['delete_policy', 'soft_delete_days', 'safeguard_enabled', 'safeguard_percent', 'safeguard_minimum', 'safeguard_window_minutes'].map(
                (column) => sql`${rawSql(column)} = ${proposed(column)}`,
              ),
              ', ',
            ),
        )}`,
      ),
    );
  }

  async saveWindow(tenantId: string, window: SafeguardWindow): Promise<void> {
    await this.sessions.write((session) =>
      session.run(
        sql`UPDATE deletion_settings SET window_started_at = ${optionalTimestamp(window.startedAt)}, window_users = ${parameter(window.users)}, window_deletions = ${parameter(window.deletions)}, tripped_at = ${optionalTimestamp(window.trippedAt)} WHERE tenant_id = ${parameter(tenantId)}`,
      ),
    );
  }

  async countUsers(tenantId: string): Promise<number> {
    // The maintained count, not count(*): a guarded delete must not scan a 100,000-user tenant.
    const row = await this.sessions
      .current()
      .first<{ count: unknown }>(sql`SELECT count FROM resource_counts WHERE tenant_id = ${parameter(tenantId)} AND resource_type = ${parameter('User')}`);
    return Number(row?.count ?? 0);
  }

  async archive(user: ArchivedUser): Promise<void> {
    const values = [
      parameter(user.tenantId),
      parameter(user.id),
      parameter(user.externalId ?? null),
      parameter(user.state),
      parameter(JSON.stringify(user.attributes)),
      parameter(user.passwordHash ?? null),
      parameter(canonicalTimestamp(user.created)),
      parameter(canonicalTimestamp(user.lastModified)),
      parameter(user.version),
      parameter(JSON.stringify(user.groupIds)),
      parameter(user.baseUrl),
      parameter(canonicalTimestamp(user.deletedAt)),
      optionalTimestamp(user.purgeAfter),
    ];
    await this.sessions.write((session) => session.run(sql`INSERT INTO deleted_users (${ARCHIVE_COLUMNS}) VALUES (${joinSql(values, ', ')})`));
  }

  async findByExternalId(tenantId: string, externalId: string): Promise<ArchivedUser | undefined> {
    const row = await this.sessions
      .current()
      .first<ArchiveRow>(
        sql`SELECT ${ARCHIVE_COLUMNS} FROM deleted_users WHERE tenant_id = ${parameter(tenantId)} AND external_id = ${parameter(externalId)} ORDER BY deleted_at DESC, id LIMIT 1`,
      );
    return row === undefined ? undefined : archivedFromRow(row);
  }

  async remove(tenantId: string, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    return this.sessions.write((session) =>
      session.run(sql`DELETE FROM deleted_users WHERE tenant_id = ${parameter(tenantId)} AND id IN (${joinSql(ids.map(parameter), ', ')})`),
    );
  }

  async listHeld(tenantId: string, limit: number): Promise<readonly ArchivedUser[]> {
    const rows = await this.sessions
      .current()
      .all<ArchiveRow>(
        sql`SELECT ${ARCHIVE_COLUMNS} FROM deleted_users WHERE tenant_id = ${parameter(tenantId)} AND state = ${parameter('held')} ORDER BY deleted_at, id LIMIT ${this.sessions.dialect.rowLimit(limit)}`,
      );
    return rows.map(archivedFromRow);
  }

  async countHeld(tenantId: string): Promise<number> {
    const row = await this.sessions
      .current()
      .first<{ held: unknown }>(sql`SELECT count(*) AS held FROM deleted_users WHERE tenant_id = ${parameter(tenantId)} AND state = ${parameter('held')}`);
    return Number(row?.held ?? 0);
  }

  async listDue(now: string, limit: number): Promise<readonly ArchivedUser[]> {
    const { dialect } = this.sessions;
    return this.sessions.write(async (session) => {
      // skipLocked: instances purging at the same time each take other rows.
      const rows = await session.all<ArchiveRow>(
        sql`SELECT ${ARCHIVE_COLUMNS} FROM deleted_users WHERE state = ${parameter('soft')} AND purge_after <= ${parameter(canonicalTimestamp(now))} ORDER BY purge_after, tenant_id, id LIMIT ${dialect.rowLimit(limit)}${dialect.rowLock('update', { skipLocked: true })}`,
      );
      return rows.map(archivedFromRow);
    });
  }

  async restoreMeta(tenantId: string, id: string, created: string, version: number): Promise<void> {
    await this.sessions.write((session) =>
      session.run(
        sql`UPDATE users SET created = ${parameter(canonicalTimestamp(created))}, version = ${parameter(version)} WHERE tenant_id = ${parameter(tenantId)} AND id = ${parameter(id)}`,
      ),
    );
  }

  async takenUserNames(tenantId: string, userNames: readonly string[]): Promise<ReadonlySet<string>> {
    if (userNames.length === 0) return new Set();
    // user_name_ci holds the JavaScript toLowerCase() of userName (the unique index's key).
    const folded = [...new Set(userNames.map((userName) => userName.toLowerCase()))];
    const rows = await this.sessions
      .current()
      .all<{ user_name_ci: string }>(
        sql`SELECT user_name_ci FROM users WHERE tenant_id = ${parameter(tenantId)} AND user_name_ci IN (${joinSql(folded.map(parameter), ', ')})`,
      );
    return new Set(rows.map((row) => row.user_name_ci));
  }

  private async readState(tenantId: string, lock: SqlFragment): Promise<TenantDeletionState> {
    const row = await this.sessions.current().first<SettingsRow>(sql`SELECT ${SETTINGS_COLUMNS} FROM deletion_settings WHERE tenant_id = ${parameter(tenantId)}${lock}`);
    if (row === undefined) return { settings: DEFAULT_DELETION_SETTINGS, window: NO_WINDOW };
    const { dialect } = this.sessions;
    return {
      settings: {
        deletePolicy: row.delete_policy as DeletePolicy,
        softDeleteDays: Number(row.soft_delete_days),
        safeguard: {
          enabled: dialect.decodeBoolean(row.safeguard_enabled) === true,
          percent: Number(row.safeguard_percent),
          minimum: Number(row.safeguard_minimum),
          windowMinutes: Number(row.safeguard_window_minutes),
        },
      },
      window: {
        startedAt: row.window_started_at ?? undefined,
        users: Number(row.window_users),
        deletions: Number(row.window_deletions),
        trippedAt: row.tripped_at ?? undefined,
      },
    };
  }
}

function settingsValues(settings: DeletionSettings, window: SafeguardWindow): SqlFragment {
  const { safeguard } = settings;
  return joinSql(
    [
      parameter(settings.deletePolicy),
      parameter(settings.softDeleteDays),
      parameter(safeguard.enabled),
      parameter(safeguard.percent),
      parameter(safeguard.minimum),
      parameter(safeguard.windowMinutes),
      optionalTimestamp(window.startedAt),
      parameter(window.users),
      parameter(window.deletions),
      optionalTimestamp(window.trippedAt),
    ],
    ', ',
  );
}

function optionalTimestamp(value: string | undefined): SqlFragment {
  return parameter(value === undefined ? null : canonicalTimestamp(value));
}

function archivedFromRow(row: ArchiveRow): ArchivedUser {
  return {
    tenantId: row.tenant_id,
    id: row.id,
    externalId: row.external_id ?? undefined,
    state: row.state as ArchivedState,
    attributes: JSON.parse(row.attributes) as ResourceAttributes,
    passwordHash: row.password_hash ?? undefined,
    created: row.created,
    lastModified: row.last_modified,
    version: Number(row.version),
    groupIds: JSON.parse(row.group_ids) as string[],
    baseUrl: row.base_url,
    deletedAt: row.deleted_at,
    purgeAfter: row.purge_after ?? undefined,
  };
}
