/**
 * `scimitar schemas`: an operator declares a tenant's custom attributes
 * from the command line, and a server on the same database (another
 * process, in effect) then filters on them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliSandbox, type CliSandbox, type Json } from './support.js';

const ENTRA_EXTENSION = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';
const declaration = { id: ENTRA_EXTENSION, resourceType: 'User', attributes: [{ name: 'costCenter' }] };

describe('scimitar schemas', () => {
  let cli: CliSandbox;

  beforeAll(async () => {
    cli = cliSandbox();
    expect((await cli.run(['tenants', 'create', 'acme'])).code).toBe(0);
  });
  afterAll(() => cli.remove());

  it('declares an extension from standard input, lists it, and the server filters on it', async () => {
    const declared = await cli.run(['schemas', 'declare', '-', '--tenant', 'acme', '--json'], JSON.stringify(declaration));
    expect(declared.code, declared.stderr).toBe(0);
    expect((JSON.parse(declared.stdout) as Json)['declaration']['schemaId']).toBe(ENTRA_EXTENSION);
    const listed = await cli.json(['schemas', 'list', '--tenant', 'acme', '--json']);
    expect(listed['undeclaredExtensions']).toBe('keep');
    expect(listed['declarations'].map((entry: Json) => entry['schemaId'])).toEqual([ENTRA_EXTENSION]);

    const server = await cli.server();
    try {
      const token = (await server.tokens.create('acme', { name: 'idp' })).token;
      const request = (method: 'GET' | 'POST', url: string, body?: unknown) =>
        server.app.inject({
          method,
          url: `/t/acme/scim/v2${url}`,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
          ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
        });
      const created = await request('POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENTRA_EXTENSION], userName: 'cc@acme.example', [ENTRA_EXTENSION]: { costCenter: 'CC-42' } });
      expect(created.statusCode, created.body).toBe(201);
      const found = await request('GET', `/Users?filter=${encodeURIComponent(`${ENTRA_EXTENSION}:costCenter eq "CC-42"`)}`);
      expect((JSON.parse(found.body) as Json)['totalResults']).toBe(1);
    } finally {
      await server.close();
    }
  });

  it('refuses to remove a declaration that holds values unless forced', async () => {
    const refused = await cli.run(['schemas', 'remove', ENTRA_EXTENSION, '--tenant', 'acme']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('holds values');
    expect((await cli.run(['schemas', 'remove', ENTRA_EXTENSION, '--tenant', 'acme', '--force'])).code).toBe(0);
    expect((await cli.json(['schemas', 'list', '--tenant', 'acme', '--json']))['declarations']).toEqual([]);
  });

  it('makes a tenant strict, and answers bad usage with exit code 2', async () => {
    expect((await cli.run(['schemas', 'undeclared', 'reject', '--tenant', 'acme'])).code).toBe(0);
    expect((await cli.json(['schemas', 'list', '--tenant', 'acme', '--json']))['undeclaredExtensions']).toBe('reject');
    expect((await cli.run(['schemas', 'undeclared', 'sometimes', '--tenant', 'acme'])).code).toBe(2);
    const invalid = await cli.run(['schemas', 'declare', '-', '--tenant', 'acme'], JSON.stringify({ ...declaration, attributes: [{ name: 'userName' }] }));
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('clashes');
  });
});
