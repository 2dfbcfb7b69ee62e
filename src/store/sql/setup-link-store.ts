/**
 * Setup links (src/store/setup-link-store.ts), written once for every
 * database. No cache stands in front of these rows: the portal reads the
 * link on every use, so a revocation holds at once on every instance.
 */
import { canonicalTimestamp } from '../rows.js';
import type { NewSetupLink, SetupLinkStore, StoredSetupLink } from '../setup-link-store.js';
import { joinSql, parameter, rawSql, sql, type SqlFragment } from './fragment.js';
import type { SqlSessions } from './session.js';

const SETUP_LINK_COLUMNS = rawSql('id, tenant_id, hash, note, created_at, expires_at, revoked_at, last_used_at');

interface SetupLinkRow {
  readonly id: string;
  readonly tenant_id: string;
  readonly hash: string;
  readonly note: string | null;
  readonly created_at: string;
  readonly expires_at: string;
  readonly revoked_at: string | null;
  readonly last_used_at: string | null;
}

function setupLinkFromRow(row: SetupLinkRow): StoredSetupLink {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    hash: row.hash,
    note: row.note ?? undefined,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at ?? undefined,
    lastUsedAt: row.last_used_at ?? undefined,
  };
}

export class SqlSetupLinkStore implements SetupLinkStore {
  constructor(private readonly sessions: SqlSessions) {}

  async insertSetupLink(link: NewSetupLink): Promise<void> {
    const createdAt = canonicalTimestamp(link.createdAt);
    const expiresAt = canonicalTimestamp(link.expiresAt);
    this.checkWritable(link.id, link.tenantId, link.hash, link.note ?? '');
    const values = [link.id, link.tenantId, link.hash, link.note ?? null, createdAt, expiresAt].map(parameter);
    try {
      await this.sessions.write((session) =>
        session.run(sql`INSERT INTO setup_links (id, tenant_id, hash, note, created_at, expires_at) VALUES (${joinSql(values, ', ')})`),
      );
    } catch (error) {
      // Ids and secrets are random and the service checks the tenant first: either failure is a mistake of the calling code.
      const failure = this.sessions.failure(error);
      if (failure.kind === 'unique') throw new TypeError(`A setup link with this id or hash already exists (${failure.constraint ?? 'unique key'})`);
      if (failure.kind === 'foreignKey') throw new TypeError(`The tenant "${link.tenantId}" does not exist`);
      throw error;
    }
  }

  async findSetupLinkByHash(hash: string): Promise<StoredSetupLink | undefined> {
    if (!this.storable(hash)) return undefined;
    return this.one(sql`SELECT ${SETUP_LINK_COLUMNS} FROM setup_links WHERE hash = ${parameter(hash)}`);
  }

  async getSetupLink(tenantId: string, linkId: string): Promise<StoredSetupLink | undefined> {
    if (!this.storable(tenantId, linkId)) return undefined;
    return this.one(sql`SELECT ${SETUP_LINK_COLUMNS} FROM setup_links WHERE tenant_id = ${parameter(tenantId)} AND id = ${parameter(linkId)}`);
  }

  async listSetupLinks(tenantId: string): Promise<readonly StoredSetupLink[]> {
    if (!this.storable(tenantId)) return [];
    const rows = await this.sessions
      .current()
      .all<SetupLinkRow>(sql`SELECT ${SETUP_LINK_COLUMNS} FROM setup_links WHERE tenant_id = ${parameter(tenantId)} ORDER BY created_at, id`);
    return rows.map(setupLinkFromRow);
  }

  async revokeSetupLink(tenantId: string, linkId: string, now: string): Promise<boolean> {
    const revokedAt = canonicalTimestamp(now);
    if (!this.storable(tenantId, linkId)) return false;
    const changed = await this.sessions.write((session) =>
      session.run(
        sql`UPDATE setup_links SET revoked_at = COALESCE(revoked_at, ${parameter(revokedAt)}) WHERE tenant_id = ${parameter(tenantId)} AND id = ${parameter(linkId)}`,
      ),
    );
    return changed > 0;
  }

  async markSetupLinkUsed(linkId: string, now: string): Promise<void> {
    const usedAt = canonicalTimestamp(now);
    if (!this.storable(linkId)) return;
    await this.sessions.write((session) => session.run(sql`UPDATE setup_links SET last_used_at = ${parameter(usedAt)} WHERE id = ${parameter(linkId)}`));
  }

  private async one(statement: SqlFragment): Promise<StoredSetupLink | undefined> {
    const row = await this.sessions.current().first<SetupLinkRow>(statement);
    return row === undefined ? undefined : setupLinkFromRow(row);
  }

  /** Where text cannot hold U+0000 (PostgreSQL), no stored key holds it, so a lookup by such a key finds nothing without asking. */
  private storable(...values: readonly string[]): boolean {
    return this.sessions.dialect.textCanHoldNul || !values.some((value) => value.includes('\u0000'));
  }

  private checkWritable(...values: readonly string[]): void {
    if (!this.storable(...values)) throw new TypeError('Setup link fields cannot contain U+0000');
  }
}
