/**
 * `scimitar migrate --rename-tables-to-prefix` as an operator runs it on an
 * installation that has run without a prefix: the tables move with their
 * rows, the server finds them under the new SCIMITAR_DB_TABLE_PREFIX, and a
 * second run changes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createScimitar } from '../../src/app/scimitar.js';
import { loadConfig } from '../../src/config/config.js';
import { cliSandbox, type CliSandbox } from './support.js';

describe('scimitar migrate --rename-tables-to-prefix', () => {
  let cli: CliSandbox;

  beforeAll(() => {
    cli = cliSandbox();
  });
  afterAll(() => {
    cli.remove();
  });

  it('moves every table under the prefix with its rows, and refuses to run again', async () => {
    expect((await cli.run(['tenants', 'create', 'acme', '--name', 'Acme'])).code).toBe(0);

    const moved = await cli.json(['migrate', '--rename-tables-to-prefix', 'scim_']);
    expect(moved['renamed']).toEqual(expect.arrayContaining([{ kind: 'table', from: 'users', to: 'scim_users' }, { kind: 'index', from: 'users_user_name', to: 'scim_users_user_name' }]));
    expect(moved['applied']).toEqual([]);

    const again = await cli.run(['migrate', '--rename-tables-to-prefix', 'scim_']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('No Scimitar tables under the prefix "" here');

    const scimitar = await createScimitar(loadConfig({ ...cli.env, SCIMITAR_DB_TABLE_PREFIX: 'scim_' }));
    try {
      expect(await scimitar.store.tenants.getTenant('acme')).toMatchObject({ id: 'acme', name: 'Acme' });
    } finally {
      await scimitar.close();
    }
  });

  it('refuses a prefix that is not a plain lower-case identifier as bad usage', async () => {
    const result = await cli.run(['migrate', '--rename-tables-to-prefix', 'Scim-']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--rename-tables-to-prefix must be lower-case letters, digits and _');
  });
});
