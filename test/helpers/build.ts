/**
 * The one way tests build a Scimitar server: a real SQLite file in a fresh
 * temporary directory, a fixed bearer token, and the full HTTP stack
 * (inject-able, or listening on a real socket).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { createScimitar, type Scimitar, type ScimitarOverrides } from '../../src/app/scimitar.js';
import { loadConfig } from '../../src/config/config.js';
import { createScryptHasher } from '../../src/services/passwords.js';

export const TEST_TOKEN = 'test-token-0123456789abcdef';
export const SCIM = '/scim/v2';
export const SCIM_JSON = 'application/scim+json';

export interface TestServer {
  readonly scimitar: Scimitar;
  readonly databaseFile: string;
  /** inject() with the bearer token and SCIM content type already set. */
  request(options: InjectOptions & { readonly body?: unknown }): Promise<LightMyRequestResponse>;
  close(): Promise<void>;
}

export async function build(env: Record<string, string> = {}, overrides: ScimitarOverrides = {}): Promise<TestServer> {
  const directory = mkdtempSync(path.join(tmpdir(), 'scimitar-test-'));
  const databaseFile = path.join(directory, 'scimitar.db');
  const config = loadConfig({
    DATABASE_URL: `sqlite:${databaseFile}`,
    SCIMITAR_TOKEN: TEST_TOKEN,
    SCIMITAR_LOG_LEVEL: 'silent',
    SCIMITAR_PUBLIC_URL: 'https://scim.example.com',
    ...env,
  });
  // Real scrypt at a low cost: the hashing path is exercised without slowing the suite.
  const scimitar = await createScimitar(config, { passwords: createScryptHasher({ N: 1024, r: 8, p: 1 }), ...overrides });
  return {
    scimitar,
    databaseFile,
    request(options) {
      const { body, headers, ...rest } = options;
      return scimitar.app.inject({
        ...rest,
        headers: {
          authorization: `Bearer ${TEST_TOKEN}`,
          ...(body !== undefined ? { 'content-type': SCIM_JSON } : {}),
          ...headers,
        },
        ...(body !== undefined ? { payload: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      } as InjectOptions);
    },
    async close() {
      await scimitar.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
