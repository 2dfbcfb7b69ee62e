import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import { issueToken } from '../auth/tokens.js';
import { loadConfig } from '../config/config.js';
import { createDefaultRegistry } from '../core/schema/registry.js';
import { openStore } from '../app/open-store.js';

export interface TokensCreateOptions {
  readonly name: string;
  readonly json?: boolean;
}

export async function tokensCreateCommand(options: TokensCreateOptions): Promise<void> {
  const config = loadConfig();
  const store = await openStore(config.database, createDefaultRegistry());
  try {
    const now = new Date();
    await store.tenants.ensureTenant(DEFAULT_TENANT_ID, 'Default directory', now.toISOString());
    const issued = await issueToken(store.tenants, DEFAULT_TENANT_ID, options.name, now);
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ tenant: DEFAULT_TENANT_ID, id: issued.record.id, name: issued.record.name, token: issued.token })}\n`);
    } else {
      process.stdout.write(`New bearer token "${issued.record.name}" (shown only now; only its hash is stored):\n\n  ${issued.token}\n\n`);
    }
  } finally {
    await store.close();
  }
}
