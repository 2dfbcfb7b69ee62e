/**
 * Tenants' declared extension schemas and their policy for undeclared
 * namespaces, written once for every database. Every change also bumps
 * the one row of `tenant_schema_changes` in the same statement batch, so an
 * instance learns that some tenant's schemas changed with one cheap read
 * (src/tenant-schemas/tenant-schema-resolver.ts).
 */
import { randomUUID } from 'node:crypto';
import type { UndeclaredExtensionPolicy } from '../../core/resource/undeclared-extensions.js';
import type { AttributeDefinition, ResourceTypeName } from '../../core/schema/attribute.js';
import { reviveDeclaredAttribute } from '../../core/schema/declared-extension.js';
import { canonicalTimestamp } from '../rows.js';
import type { SchemaDeclarationStore, StoredSchemaDeclaration } from '../schema-declarations.js';
import { joinSql, parameter, sql } from './fragment.js';
import type { SqlSession, SqlSessions } from './session.js';

interface DeclarationRow {
  readonly tenant_id: string;
  readonly schema_id: string;
  readonly resource_type: string;
  readonly name: string;
  readonly description: string;
  readonly attributes: unknown;
  readonly updated_at: string;
}

export class SqlSchemaDeclarationStore implements SchemaDeclarationStore {
  constructor(private readonly sessions: SqlSessions) {}

  async listDeclarations(tenantId: string): Promise<readonly StoredSchemaDeclaration[]> {
    const rows = await this.sessions
      .current()
      .all<DeclarationRow>(
        sql`SELECT tenant_id, schema_id, resource_type, name, description, attributes, updated_at FROM tenant_schema_extensions WHERE tenant_id = ${parameter(tenantId)} ORDER BY schema_key`,
      );
    const { dialect } = this.sessions;
    return rows.map((row) => ({
      tenantId: row.tenant_id,
      schemaId: row.schema_id,
      resourceType: row.resource_type as ResourceTypeName,
      name: row.name,
      description: row.description,
      attributes: (dialect.decodeJson(row.attributes) as AttributeDefinition[]).map(reviveDeclaredAttribute),
      updatedAt: row.updated_at,
    }));
  }

  async putDeclaration(declaration: StoredSchemaDeclaration): Promise<void> {
    const updatedAt = canonicalTimestamp(declaration.updatedAt);
    const values = [
      declaration.tenantId,
      declaration.schemaId.toLowerCase(),
      declaration.schemaId,
      declaration.resourceType,
      declaration.name,
      declaration.description,
      JSON.stringify(declaration.attributes),
      updatedAt,
    ].map(parameter);
    await this.sessions.write(async (session) => {
      await session.run(
        sql`INSERT INTO tenant_schema_extensions (tenant_id, schema_key, schema_id, resource_type, name, description, attributes, updated_at) VALUES (${joinSql(values, ', ')})${session.dialect.onDuplicateUpdate(
          'tenant_schema_extensions',
          ['tenant_id', 'schema_key'],
          (_existing, proposed) =>
            sql`schema_id = ${proposed('schema_id')}, resource_type = ${proposed('resource_type')}, name = ${proposed('name')}, description = ${proposed('description')}, attributes = ${proposed('attributes')}, updated_at = ${proposed('updated_at')}`,
        )}`,
      );
      await this.noteChange(session, updatedAt);
    });
  }

  async deleteDeclaration(tenantId: string, schemaId: string): Promise<boolean> {
    return this.sessions.write(async (session) => {
      const deleted = await session.run(
        sql`DELETE FROM tenant_schema_extensions WHERE tenant_id = ${parameter(tenantId)} AND schema_key = ${parameter(schemaId.toLowerCase())}`,
      );
      if (deleted > 0) await this.noteChange(session, new Date().toISOString());
      return deleted > 0;
    });
  }

  async undeclaredExtensions(tenantId: string): Promise<UndeclaredExtensionPolicy> {
    const row = await this.sessions
      .current()
      .first<{ undeclared_extensions: string }>(sql`SELECT undeclared_extensions FROM tenant_schema_settings WHERE tenant_id = ${parameter(tenantId)}`);
    return row?.undeclared_extensions === 'reject' ? 'reject' : 'keep';
  }

  async setUndeclaredExtensions(tenantId: string, policy: UndeclaredExtensionPolicy, now: string): Promise<void> {
    const updatedAt = canonicalTimestamp(now);
    await this.sessions.write(async (session) => {
      await session.run(
        sql`INSERT INTO tenant_schema_settings (tenant_id, undeclared_extensions) VALUES (${parameter(tenantId)}, ${parameter(policy)})${session.dialect.onDuplicateUpdate(
          'tenant_schema_settings',
          ['tenant_id'],
          (_existing, proposed) => sql`undeclared_extensions = ${proposed('undeclared_extensions')}`,
        )}`,
      );
      await this.noteChange(session, updatedAt);
    });
  }

  async lastChange(): Promise<string> {
    const row = await this.sessions.current().first<{ changed_at: string }>(sql`SELECT changed_at FROM tenant_schema_changes WHERE id = 1`);
    return row?.changed_at ?? '';
  }

  /**
   * A counter, not a time alone: two changes within one millisecond must
   * still differ. The text sorts by time first for people reading it.
   */
  private async noteChange(session: SqlSession, at: string): Promise<void> {
    const stamp = `${at}#${randomUUID()}`;
    await session.run(
      sql`INSERT INTO tenant_schema_changes (id, changed_at) VALUES (1, ${parameter(stamp)})${session.dialect.onDuplicateUpdate(
        'tenant_schema_changes',
        ['id'],
        (_existing, proposed) => sql`changed_at = ${proposed('changed_at')}`,
      )}`,
    );
  }
}
