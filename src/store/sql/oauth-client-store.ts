/**
 * Tenants' OAuth 2.0 clients, their secrets and the access tokens they
 * issued, written once for every database (see src/store/oauth-client-store.ts).
 * Whatever can end a credential's validity runs with the database's signal
 * of credential changes in the same transaction, as the tenant store does
 * for bearer tokens, so every instance's token cache forgets at its commit.
 */
import { canonicalTimestamp } from '../rows.js';
import type { NewAccessToken, OAuthClientStore, OAuthClientWithSecrets, OAuthSecretMatch, StoredOAuthClient, StoredOAuthSecret } from '../oauth-client-store.js';
import { joinSql, parameter, rawSql, sql, type SqlFragment } from './fragment.js';
import type { SqlSession, SqlSessions } from './session.js';

const CLIENT_COLUMNS = rawSql('c.client_id, c.tenant_id, c.name, c.created_at, c.revoked_at');
const SECRET_COLUMNS = rawSql('s.id, s.client_id, s.prefix, s.hash, s.created_at, s.expires_at, s.last_used_at');

interface ClientRow {
  readonly client_id: string;
  readonly tenant_id: string;
  readonly name: string;
  readonly created_at: string;
  readonly revoked_at: string | null;
}

interface SecretRow {
  readonly id: string;
  readonly client_id: string;
  readonly prefix: string;
  readonly hash: string;
  readonly created_at: string;
  readonly expires_at: string | null;
  readonly last_used_at: string | null;
}

function clientFromRow(row: ClientRow): StoredOAuthClient {
  return { clientId: row.client_id, tenantId: row.tenant_id, name: row.name, createdAt: row.created_at, revokedAt: row.revoked_at ?? undefined };
}

function secretFromRow(row: SecretRow): StoredOAuthSecret {
  return {
    id: row.id,
    clientId: row.client_id,
    prefix: row.prefix,
    hash: row.hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at ?? undefined,
    lastUsedAt: row.last_used_at ?? undefined,
  };
}

export class SqlOAuthClientStore implements OAuthClientStore {
  constructor(private readonly sessions: SqlSessions) {}

  async insertClient(client: StoredOAuthClient, secret: StoredOAuthSecret): Promise<void> {
    this.checkWritable(client.clientId, client.tenantId, client.name, secret.id, secret.prefix, secret.hash);
    const clientValues = [client.clientId, client.tenantId, client.name, canonicalTimestamp(client.createdAt)].map(parameter);
    try {
      await this.sessions.write(async (session) => {
        await session.run(sql`INSERT INTO oauth_clients (client_id, tenant_id, name, created_at) VALUES (${joinSql(clientValues, ', ')})`);
        await session.run(this.insertSecret(secret));
      });
    } catch (error) {
      const failure = this.sessions.failure(error);
      // Ids and secrets are random and the service checks the tenant first: either is the calling code's mistake.
      if (failure.kind === 'unique') throw new TypeError(`An OAuth client or secret with this id or hash already exists (${failure.constraint ?? 'unique key'})`);
      if (failure.kind === 'foreignKey') throw new TypeError('The tenant does not exist: create it first');
      throw error;
    }
  }

  async listClients(tenantId: string): Promise<readonly OAuthClientWithSecrets[]> {
    if (!this.storable(tenantId)) return [];
    return this.clientsWhere(sql`c.tenant_id = ${parameter(tenantId)}`);
  }

  async getClient(tenantId: string, clientId: string): Promise<OAuthClientWithSecrets | undefined> {
    if (!this.storable(tenantId, clientId)) return undefined;
    const [client] = await this.clientsWhere(sql`c.tenant_id = ${parameter(tenantId)} AND c.client_id = ${parameter(clientId)}`);
    return client;
  }

  async findSecretByHash(hash: string): Promise<OAuthSecretMatch | undefined> {
    if (!this.storable(hash)) return undefined;
    const row = await this.sessions
      .current()
      .first<SecretRow & { readonly tenant_id: string; readonly name: string; readonly client_created_at: string; readonly revoked_at: string | null }>(
        sql`SELECT ${SECRET_COLUMNS}, c.tenant_id, c.name, c.created_at AS client_created_at, c.revoked_at FROM oauth_client_secrets s JOIN oauth_clients c ON c.client_id = s.client_id WHERE s.hash = ${parameter(hash)}`,
      );
    if (row === undefined) return undefined;
    return {
      secret: secretFromRow(row),
      client: clientFromRow({ client_id: row.client_id, tenant_id: row.tenant_id, name: row.name, created_at: row.client_created_at, revoked_at: row.revoked_at }),
    };
  }

  async rotateSecret(successor: StoredOAuthSecret, previousExpiresAt: string): Promise<void> {
    this.checkWritable(successor.id, successor.clientId, successor.prefix, successor.hash);
    const until = parameter(canonicalTimestamp(previousExpiresAt));
    const client = parameter(successor.clientId);
    const others = sql`client_id = ${client} AND id <> ${parameter(successor.id)}`;
    await this.changeCredentials(async (session) => {
      await session.run(this.insertSecret(successor));
      // An earlier expiry stays: rotating never extends a secret's life. The access tokens it issued
      // end with it: the bearer lookup reads their secret's expiry (SqlTenantStore.findTokenByHash).
      await session.run(sql`UPDATE oauth_client_secrets SET expires_at = ${until} WHERE ${others} AND (expires_at IS NULL OR expires_at > ${until})`);
      return true;
    });
  }

  async revokeClient(tenantId: string, clientId: string, now: string): Promise<boolean> {
    const revokedAt = parameter(canonicalTimestamp(now));
    if (!this.storable(tenantId, clientId)) return false;
    const client = parameter(clientId);
    return this.changeCredentials(async (session) => {
      const changed = await session.run(
        sql`UPDATE oauth_clients SET revoked_at = COALESCE(revoked_at, ${revokedAt}) WHERE tenant_id = ${parameter(tenantId)} AND client_id = ${client}`,
      );
      // The client's access tokens stay until they expire (then the purge removes them): the bearer
      // lookup reads the client's revocation with each, so they are refused, and logged, as revoked.
      return changed > 0;
    });
  }

  async markSecretUsed(secretId: string, now: string): Promise<void> {
    const usedAt = canonicalTimestamp(now);
    if (!this.storable(secretId)) return;
    await this.sessions.write((session) => session.run(sql`UPDATE oauth_client_secrets SET last_used_at = ${parameter(usedAt)} WHERE id = ${parameter(secretId)}`));
  }

  async insertAccessToken(token: NewAccessToken): Promise<void> {
    this.checkWritable(token.id, token.tenantId, token.secretId, token.name, token.prefix, token.hash);
    const values = [token.id, token.tenantId, token.name, token.prefix, token.hash, canonicalTimestamp(token.createdAt), canonicalTimestamp(token.expiresAt), token.secretId].map(
      parameter,
    );
    await this.sessions.write((session) =>
      session.run(sql`INSERT INTO tokens (id, tenant_id, name, prefix, hash, created_at, expires_at, oauth_secret_id) VALUES (${joinSql(values, ', ')})`),
    );
  }

  async deleteExpiredAccessTokens(now: string): Promise<number> {
    const at = canonicalTimestamp(now);
    return this.sessions.write((session) => session.run(sql`DELETE FROM tokens WHERE oauth_secret_id IS NOT NULL AND expires_at <= ${parameter(at)}`));
  }

  private insertSecret(secret: StoredOAuthSecret): SqlFragment {
    const values = [secret.id, secret.clientId, secret.prefix, secret.hash, canonicalTimestamp(secret.createdAt), secret.expiresAt === undefined ? null : canonicalTimestamp(secret.expiresAt)].map(
      parameter,
    );
    return sql`INSERT INTO oauth_client_secrets (id, client_id, prefix, hash, created_at, expires_at) VALUES (${joinSql(values, ', ')})`;
  }

  private async clientsWhere(condition: SqlFragment): Promise<OAuthClientWithSecrets[]> {
    const session = this.sessions.current();
    const clientRows = await session.all<ClientRow>(sql`SELECT ${CLIENT_COLUMNS} FROM oauth_clients c WHERE ${condition} ORDER BY c.created_at, c.client_id`);
    if (clientRows.length === 0) return [];
    const secretRows = await session.all<SecretRow>(
      sql`SELECT ${SECRET_COLUMNS} FROM oauth_client_secrets s JOIN oauth_clients c ON c.client_id = s.client_id WHERE ${condition} ORDER BY s.created_at, s.id`,
    );
    return clientRows.map((row) => ({ ...clientFromRow(row), secrets: secretRows.filter((secret) => secret.client_id === row.client_id).map(secretFromRow) }));
  }

  /** Runs `work` with the credential-change signal in its transaction, sent only when `work` reports a change. */
  private changeCredentials(work: (session: SqlSession) => Promise<boolean>): Promise<boolean> {
    const signal = this.sessions.afterCredentialChange;
    return this.sessions.write(async (session) => {
      const changed = await work(session);
      if (changed && signal !== undefined) await session.all(signal);
      return changed;
    });
  }

  /** See SqlTenantStore: where text cannot hold U+0000, no stored key holds it. */
  private storable(...values: readonly string[]): boolean {
    return this.sessions.dialect.textCanHoldNul || !values.some((value) => value.includes('\u0000'));
  }

  private checkWritable(...values: readonly string[]): void {
    if (!this.storable(...values)) throw new TypeError('OAuth client fields cannot contain U+0000');
  }
}
