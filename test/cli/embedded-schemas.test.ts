/**
 * An app that embeds Scimitar with an extension schema of its own runs the
 * management command through runCli with the options it gives its server:
 * the command then reads resources with the same schemas the server wrote
 * them with (one registry builder for the server, the CLI and migrate).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SchemaExtensionDefinition } from '../../src/core/schema/registry.js';
import { attribute } from '../../src/core/schema/attribute.js';
import { cliSandbox, type CliSandbox, type Json } from './support.js';

const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
const schemaExtensions: readonly SchemaExtensionDefinition[] = [
  {
    resourceType: 'User',
    schema: { id: ACME, name: 'AcmeUser', description: 'Acme badge data', attributes: [attribute('badgeId', 'string', { description: 'Badge printed at hire' })] },
  },
];

/** The embedding app's own command: the package's runCli with the app's options. */
const APP_COMMAND = `import { runCli } from './src/cli/program.js';
await runCli(process.argv, { schemaExtensions: ${JSON.stringify(schemaExtensions)} });
`;

describe('an embedding app’s command line sees the extensions its server has', () => {
  let cli: CliSandbox;
  let userId: string;

  beforeAll(async () => {
    cli = cliSandbox();
    const server = await cli.server({ schemaExtensions });
    try {
      const tenant = await server.tenants.create('acme');
      const response = await server.app.inject({
        method: 'POST',
        url: '/t/acme/scim/v2/Users',
        headers: { authorization: `Bearer ${tenant.firstToken.token}`, 'content-type': 'application/scim+json' },
        payload: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ACME], userName: 'badge@acme.example', [ACME]: { badgeId: 'B-7' } }),
      });
      expect(response.statusCode, response.body).toBe(201);
      userId = (JSON.parse(response.body) as Json)['id'] as string;
    } finally {
      await server.close();
    }
  });
  afterAll(() => {
    cli.remove();
  });

  it('users show and users list --filter read the extension attribute through runCli with the app’s options', async () => {
    const [show, list] = await Promise.all([
      cli.runEntry('app-command.js', APP_COMMAND, ['users', 'show', userId, '--tenant', 'acme', '--json']),
      cli.runEntry('app-command.js', APP_COMMAND, ['users', 'list', '--tenant', 'acme', '--filter', `${ACME}:badgeId eq "B-7"`, '--json']),
    ]);
    expect(show.code, show.stderr).toBe(0);
    expect((JSON.parse(show.stdout) as Json)[ACME]).toEqual({ badgeId: 'B-7' });
    expect(list.code, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toMatchObject({ totalResults: 1, Resources: [{ id: userId }] });
  });

  it('the plain scimitar command, without those options, does not know the extension (the tenant keeps it undeclared)', async () => {
    const filtered = await cli.run(['users', 'list', '--tenant', 'acme', '--filter', `${ACME}:badgeId eq "B-7"`]);
    expect(filtered.code).toBe(1);
    expect(filtered.stderr).toContain(`"${ACME}" is an extension this tenant keeps undeclared`);
  });

  it('migrate runs with the app’s options too', async () => {
    const migrated = await cli.runEntry('app-command.js', APP_COMMAND, ['migrate', '--json']);
    expect(migrated.code, migrated.stderr).toBe(0);
    expect(JSON.parse(migrated.stdout)).toMatchObject({ applied: [] });
  });
});
