import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

const POSTGRES_URL = 'postgres://scimitar@db.internal:5432/app';

describe('SCIMITAR_DB_SCHEMA', () => {
  it("names the PostgreSQL schema of Scimitar's tables, apart from an app's own", () => {
    expect(loadConfig({ DATABASE_URL: POSTGRES_URL, SCIMITAR_DB_SCHEMA: 'scim' }).database).toMatchObject({ kind: 'postgres', schema: 'scim' });
  });

  it('leaves an installation without it where it always was (the store opens `public`)', () => {
    expect(loadConfig({ DATABASE_URL: POSTGRES_URL }).database).not.toHaveProperty('schema');
    expect(loadConfig({ DATABASE_URL: POSTGRES_URL, SCIMITAR_DB_SCHEMA: '' }).database).not.toHaveProperty('schema');
  });
});
