/**
 * Tenants: one customer directory each. Creating one also issues its first
 * bearer token — everything an admin needs to configure the customer's
 * identity provider. The CLI and the admin API both call this.
 */
import type { NewTokenResult, TokenService, TokenSummary } from '../auth/token-service.js';
import { scimErrors } from '../core/errors/scim-error.js';
import type { StoredTenant, TenantStore } from '../store/store.js';
import { assertTenantId, assertTenantName } from './tenant-id.js';

export interface TenantDetails {
  readonly tenant: StoredTenant;
  readonly users: number;
  readonly groups: number;
  readonly tokens: readonly TokenSummary[];
}

export interface CreatedTenant {
  readonly tenant: StoredTenant;
  readonly firstToken: NewTokenResult;
}

export interface TenantServiceDependencies {
  readonly tenants: TenantStore;
  readonly tokens: TokenService;
  /** The tenant that SCIMITAR_TOKEN and /scim/v2 fall back on; it cannot be deleted. */
  readonly defaultTenantId: string;
  readonly now: () => Date;
}

export class TenantService {
  constructor(private readonly dependencies: TenantServiceDependencies) {}

  async create(tenantId: string, options: { readonly name?: string | undefined; readonly tokenName?: string | undefined } = {}): Promise<CreatedTenant> {
    assertTenantId(tenantId);
    const name = options.name ?? tenantId;
    assertTenantName(name);
    const { tenants, tokens, now } = this.dependencies;
    const tenant = await tenants.createTenant(tenantId, name, now().toISOString());
    try {
      const firstToken = await tokens.create(tenantId, { name: options.tokenName ?? 'initial token' });
      return { tenant, firstToken };
    } catch (error) {
      // A tenant nobody can authenticate to is of no use: undo rather than leave it half made.
      await tenants.deleteTenant(tenantId);
      throw error;
    }
  }

  async list(): Promise<readonly StoredTenant[]> {
    return this.dependencies.tenants.listTenants();
  }

  /** `404` for an unknown tenant (and for a malformed id, which cannot exist). */
  async get(tenantId: string): Promise<StoredTenant> {
    const tenant = await this.dependencies.tenants.getTenant(tenantId);
    if (!tenant) throw scimErrors.notFound(`No tenant "${tenantId.slice(0, 80)}"`);
    return tenant;
  }

  async show(tenantId: string): Promise<TenantDetails> {
    const tenant = await this.get(tenantId);
    const counts = await this.dependencies.tenants.countResources(tenantId);
    const tokens = await this.dependencies.tokens.list(tenantId);
    return { tenant, users: counts.users, groups: counts.groups, tokens };
  }

  /** Deletes the tenant with all its users, groups, memberships and tokens. */
  async delete(tenantId: string): Promise<void> {
    await this.get(tenantId);
    if (tenantId === this.dependencies.defaultTenantId) {
      throw scimErrors.invalidValue(
        `The default tenant "${tenantId}" cannot be deleted: /scim/v2 and SCIMITAR_TOKEN rely on it. Delete its users and groups instead`,
      );
    }
    if (!(await this.dependencies.tenants.deleteTenant(tenantId))) throw scimErrors.notFound(`No tenant "${tenantId}"`);
    // Its tokens stop working from the next request here, not when the token cache would next read them.
    this.dependencies.tokens.forgetTenant(tenantId);
  }
}
