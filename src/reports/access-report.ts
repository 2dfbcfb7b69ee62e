/**
 * The access report: who has access to what in one tenant, at one point in
 * time — every User with its state and its groups (direct, and inherited
 * through nested groups) — read page by page inside one read-only snapshot,
 * so a directory of any size exports in bounded memory and the report is
 * exactly the state after the event sequence it names.
 *
 * Roles: a group→role mapping does not exist yet. When it does, each
 * AccessReportUser gains `roles` (derived from `groups`), the JSON lines a
 * `roles` key and the CSV a `roles` column before `eventSequence`; nothing
 * here stands in for it meanwhile.
 */
import { scimErrors } from '../core/errors/scim-error.js';
import type { ReadSnapshot, SqlReadAccess, SqlRow } from '../store/sql/read-access.js';
import { lastSequenceStatement, pageGroupsStatement, tenantExistsStatement, userPageStatement } from './access-report-query.js';

/** Users per page: one statement for the Users, one for their groups. */
export const DEFAULT_ACCESS_REPORT_PAGE_SIZE = 1000;

export interface AccessReportGroup {
  readonly id: string;
  readonly displayName: string | undefined;
  /** true: the User is a member; false: through a group that is (transitively) a member. */
  readonly direct: boolean;
}

export interface AccessReportUser {
  readonly id: string;
  readonly userName: string;
  readonly externalId: string | undefined;
  readonly displayName: string | undefined;
  /** RFC 7643 §4.1.1 `active`; a User that never set it is reported as active (absent is not "deactivated"). */
  readonly active: boolean;
  /** The email marked primary, else the first one. */
  readonly primaryEmail: string | undefined;
  /** Sorted by group id. */
  readonly groups: readonly AccessReportGroup[];
}

export interface AccessReport {
  readonly tenantId: string;
  /** The tenant's last event sequence in the report's snapshot: follow the feed with after=<this>. */
  readonly eventSequence: number;
  readonly generatedAt: string;
  /** The Users, a page at a time; the snapshot is released when the pages end or the iteration stops. */
  pages(): AsyncGenerator<readonly AccessReportUser[]>;
  /** Releases the snapshot without reading (e.g. the client went away before the first page). */
  close(): Promise<void>;
}

export interface AccessReportDependencies {
  readonly sql: SqlReadAccess;
  readonly now: () => Date;
  readonly pageSize?: number;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function primaryEmail(emails: unknown): string | undefined {
  if (!Array.isArray(emails)) return undefined;
  const candidates = emails.filter((email): email is Record<string, unknown> => typeof email === 'object' && email !== null && typeof email['value'] === 'string');
  return optionalString((candidates.find((email) => email['primary'] === true) ?? candidates[0])?.['value']);
}

export class AccessReportService {
  private readonly pageSize: number;

  constructor(private readonly dependencies: AccessReportDependencies) {
    this.pageSize = dependencies.pageSize ?? DEFAULT_ACCESS_REPORT_PAGE_SIZE;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) throw new TypeError(`pageSize must be a positive integer, not ${this.pageSize}`);
  }

  /** Opens the report's snapshot; throws 404 for an unknown tenant. The caller must read `pages()` to the end or call `close()`. */
  async open(tenantId: string): Promise<AccessReport> {
    const snapshot = await this.dependencies.sql.openSnapshot();
    try {
      // The snapshot's first statement fixes its point in time (SQLite: the read transaction starts here).
      const sequenceRows = await snapshot.rows(lastSequenceStatement(tenantId));
      if ((await snapshot.rows(tenantExistsStatement(tenantId))).length === 0) throw scimErrors.notFound(`No tenant "${tenantId}"`);
      const eventSequence = Number(sequenceRows[0]?.['last_sequence'] ?? 0);
      return {
        tenantId,
        eventSequence,
        generatedAt: this.dependencies.now().toISOString(),
        pages: () => this.pages(snapshot, tenantId),
        close: () => snapshot.close(),
      };
    } catch (error) {
      await snapshot.close();
      throw error;
    }
  }

  private async *pages(snapshot: ReadSnapshot, tenantId: string): AsyncGenerator<readonly AccessReportUser[]> {
    const { dialect, decodeJson } = this.dependencies.sql;
    try {
      let afterId = '';
      for (;;) {
        const userRows = await snapshot.rows(userPageStatement(dialect, tenantId, afterId, this.pageSize));
        const first = userRows[0];
        const last = userRows.at(-1);
        if (first === undefined || last === undefined) return;
        const groupRows = await snapshot.rows(pageGroupsStatement(tenantId, String(first['id']), String(last['id'])));
        yield this.page(userRows, groupRows, decodeJson);
        if (userRows.length < this.pageSize) return;
        afterId = String(last['id']);
      }
    } finally {
      await snapshot.close();
    }
  }

  private page(userRows: readonly SqlRow[], groupRows: readonly SqlRow[], decodeJson: (value: unknown) => unknown): AccessReportUser[] {
    const groupsByUser = new Map<string, AccessReportGroup[]>();
    for (const row of groupRows) {
      const userId = String(row['member_id']);
      let groups = groupsByUser.get(userId);
      if (groups === undefined) groupsByUser.set(userId, (groups = []));
      groups.push({ id: String(row['group_id']), displayName: optionalString(row['display_name']), direct: Number(row['direct']) === 1 });
    }
    return userRows.map((row) => {
      const attributes = (decodeJson(row['attributes']) ?? {}) as Record<string, unknown>;
      const id = String(row['id']);
      return {
        id,
        userName: String(row['user_name']),
        externalId: optionalString(row['external_id']),
        displayName: optionalString(row['display_name']),
        active: attributes['active'] !== false,
        primaryEmail: primaryEmail(attributes['emails']),
        groups: groupsByUser.get(id) ?? [],
      };
    });
  }
}
