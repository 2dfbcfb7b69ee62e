/**
 * Per-tenant custom attributes (RFC 7643 §3.3 extensions), through the full
 * HTTP stack: an identity provider's extension namespace the tenant never
 * declared is kept as sent unless the tenant is strict; once the operator
 * declares it, the tenant's discovery lists it and its values are typed,
 * filterable and sortable, while other tenants see nothing of it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build, type TestServer } from '../helpers/build.js';
import { adminClient, expectAdminError, expectJson, type AdminClient } from '../admin/support.js';
import { expectScimError, expectStatus, ids, type Json, patchBody, USER_SCHEMA } from '../http/support.js';
import { createTenant, type TenantClient } from './support.js';

/** The URN Microsoft's provisioning documentation gives for an admin's custom attributes. */
const ENTRA_EXTENSION = 'urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User';

/** A create body shaped like Entra ID's, with its custom extension. */
function entraUser(userName: string, costCenter: string, extra: Json = {}): Json {
  return {
    schemas: [USER_SCHEMA, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User', ENTRA_EXTENSION],
    externalId: userName.split('@')[0],
    userName,
    active: true,
    displayName: userName,
    emails: [{ primary: true, type: 'work', value: userName }],
    [ENTRA_EXTENSION]: { costCenter, badges: ['red', 'blue'], office: { building: 'B1', floor: 3 } },
    ...extra,
  };
}

const costCenterDeclaration = {
  id: ENTRA_EXTENSION,
  resourceType: 'User',
  description: 'Attributes our customer maps in Entra ID',
  attributes: [
    { name: 'costCenter', type: 'string', caseExact: true },
    { name: 'badges', type: 'string', multiValued: true },
    { name: 'office', type: 'complex', subAttributes: [{ name: 'building' }, { name: 'floor', type: 'integer' }] },
  ],
};

describe('custom attributes, per tenant', () => {
  let server: TestServer;
  let admin: AdminClient;
  let lenient: TenantClient;
  let strict: TenantClient;
  let untouched: TenantClient;

  beforeAll(async () => {
    server = await build();
    admin = await adminClient(server);
    lenient = await createTenant(server, 'lenient');
    strict = await createTenant(server, 'strict');
    untouched = await createTenant(server, 'untouched');
    expectJson(await admin.request('PATCH', '/tenants/strict/schemas', { undeclaredExtensions: 'reject' }), 200);
  });
  afterAll(async () => {
    await server.close();
  });

  describe('an extension the tenant has not declared', () => {
    it('is kept on create and returned as sent, listed in schemas', async () => {
      const created = expectStatus(await lenient.request('POST', `${lenient.base}/Users`, entraUser('kept@example.com', 'CC-1')), 201);
      expect(created[ENTRA_EXTENSION]).toEqual({ costCenter: 'CC-1', badges: ['red', 'blue'], office: { building: 'B1', floor: 3 } });
      expect(created['schemas']).toContain(ENTRA_EXTENSION);
      const read = expectStatus(await lenient.request('GET', `${lenient.base}/Users/${created['id']}`), 200);
      expect(read[ENTRA_EXTENSION]).toEqual(created[ENTRA_EXTENSION]);
    });

    it('is refused by a strict tenant, as unknown schemas always were', async () => {
      const refused = expectScimError(await strict.request('POST', `${strict.base}/Users`, entraUser('refused@example.com', 'CC-1')), 400, 'invalidSyntax');
      expect(refused['detail']).toContain(ENTRA_EXTENSION);
    });

    it('is accepted as Entra writes one attribute of it, a URN-qualified key', async () => {
      const body = { schemas: [USER_SCHEMA], userName: 'flat@example.com', [`${ENTRA_EXTENSION}:costCenter`]: 'CC-9' };
      const created = expectStatus(await lenient.request('POST', `${lenient.base}/Users`, body), 201);
      expect(created[ENTRA_EXTENSION]).toEqual({ costCenter: 'CC-9' });
    });

    it('is replaced by PUT and patched by path', async () => {
      const created = expectStatus(await lenient.request('POST', `${lenient.base}/Users`, entraUser('patched@example.com', 'CC-2')), 201);
      const url = `${lenient.base}/Users/${created['id']}`;
      const patched = expectStatus(
        await lenient.request(
          'PATCH',
          url,
          patchBody(
            { op: 'replace', path: `${ENTRA_EXTENSION}:costCenter`, value: 'CC-3' },
            { op: 'add', path: `${ENTRA_EXTENSION}:badges`, value: ['green'] },
            { op: 'remove', path: `${ENTRA_EXTENSION}:office.floor` },
          ),
        ),
        200,
      );
      expect(patched[ENTRA_EXTENSION]).toEqual({ costCenter: 'CC-3', badges: ['red', 'blue', 'green'], office: { building: 'B1' } });
      const replaced = expectStatus(await lenient.request('PUT', url, entraUser('patched@example.com', 'CC-4', { [ENTRA_EXTENSION]: { costCenter: 'CC-4' } })), 200);
      expect(replaced[ENTRA_EXTENSION]).toEqual({ costCenter: 'CC-4' });
      const removed = expectStatus(await lenient.request('PATCH', url, patchBody({ op: 'remove', path: ENTRA_EXTENSION })), 200);
      expect(removed[ENTRA_EXTENSION]).toBeUndefined();
      expect(removed['schemas']).toEqual([USER_SCHEMA]);
    });

    it('cannot be filtered or sorted on, and the error says why', async () => {
      const filtered = expectScimError(
        await lenient.request('GET', `${lenient.base}/Users?filter=${encodeURIComponent(`${ENTRA_EXTENSION}:costCenter eq "CC-1"`)}`),
        400,
        'invalidFilter',
      );
      expect(filtered['detail']).toContain('undeclared');
      expectScimError(await lenient.request('GET', `${lenient.base}/Users?sortBy=${encodeURIComponent(`${ENTRA_EXTENSION}:costCenter`)}`), 400, 'invalidValue');
    });

    it('is bounded in size, depth and count', async () => {
      const deep = { a: { b: { c: { d: { e: { f: 1 } } } } } };
      const tooDeep = expectScimError(await lenient.request('POST', `${lenient.base}/Users`, entraUser('deep@example.com', 'CC-1', { [ENTRA_EXTENSION]: deep })), 400, 'invalidValue');
      expect(tooDeep['detail']).toContain('nests deeper');
      const big = { note: 'x'.repeat(40_000) };
      const tooBig = expectScimError(await lenient.request('POST', `${lenient.base}/Users`, entraUser('big@example.com', 'CC-1', { [ENTRA_EXTENSION]: big })), 400, 'invalidValue');
      expect(tooBig['detail']).toContain('characters as JSON');
      const many: Json = { schemas: [USER_SCHEMA], userName: 'many@example.com' };
      for (let index = 0; index < 21; index += 1) many[`urn:example:ext${index}:2.0:User`] = { value: index };
      expectScimError(await lenient.request('POST', `${lenient.base}/Users`, many), 400, 'invalidValue');
    });

    it('does not open the core schemas: unknown core attributes stay errors', async () => {
      expectScimError(await lenient.request('POST', `${lenient.base}/Users`, { schemas: [USER_SCHEMA], userName: 'core@example.com', shoeSize: 42 }), 400, 'invalidSyntax');
      expectScimError(
        await lenient.request('POST', `${lenient.base}/Users`, { schemas: [USER_SCHEMA], userName: 'core2@example.com', [`${USER_SCHEMA}:shoeSize`]: 42 }),
        400,
        'invalidSyntax',
      );
    });
  });

  describe('a declared extension', () => {
    let declaredUserId: string;

    beforeAll(async () => {
      const created = expectStatus(await lenient.request('POST', `${lenient.base}/Users`, entraUser('cc42@example.com', 'CC-42')), 201);
      declaredUserId = created['id'] as string;
      // A value kept raw that the declaration will not fit (floor is an integer).
      expectStatus(await lenient.request('POST', `${lenient.base}/Users`, entraUser('misfit@example.com', 'CC-7', { [ENTRA_EXTENSION]: { office: { floor: 'third' } } })), 201);
    });

    it('is declared through the admin API, which reports the stored values it does not fit and keeps them', async () => {
      const report = expectJson(await admin.request('POST', '/tenants/lenient/schemas', costCenterDeclaration), 200);
      expect(report['declaration']).toMatchObject({ id: ENTRA_EXTENSION, resourceType: 'User', name: 'CustomExtensionName' });
      expect(report['checked']).toBeGreaterThanOrEqual(3);
      expect(report['nonConformingCount']).toBe(1);
      expect(report['nonConforming'][0]['detail']).toContain('floor');
      const listed = expectJson(await admin.request('GET', '/tenants/lenient/schemas'), 200);
      expect(listed['undeclaredExtensions']).toBe('keep');
      expect(listed['declarations'].map((declaration: Json) => declaration['id'])).toEqual([ENTRA_EXTENSION]);
    });

    it('appears in that tenant’s /Schemas and /ResourceTypes, and nowhere else', async () => {
      const schema = expectStatus(await lenient.request('GET', `${lenient.base}/Schemas/${ENTRA_EXTENSION}`), 200);
      expect(schema['attributes'].map((definition: Json) => definition['name'])).toEqual(['costCenter', 'badges', 'office']);
      const userType = expectStatus(await lenient.request('GET', `${lenient.base}/ResourceTypes/User`), 200);
      expect(userType['schemaExtensions']).toContainEqual({ schema: ENTRA_EXTENSION, required: false });
      expect((await untouched.request('GET', `${untouched.base}/Schemas/${ENTRA_EXTENSION}`)).statusCode).toBe(404);
      const otherType = expectStatus(await untouched.request('GET', `${untouched.base}/ResourceTypes/User`), 200);
      expect(otherType['schemaExtensions']).not.toContainEqual({ schema: ENTRA_EXTENSION, required: false });
    });

    it('is filterable and sortable in the database', async () => {
      const found = expectStatus(await lenient.request('GET', `${lenient.base}/Users?filter=${encodeURIComponent(`${ENTRA_EXTENSION}:costCenter eq "CC-42"`)}`), 200);
      expect(ids(found)).toEqual([declaredUserId]);
      const byFloor = expectStatus(await lenient.request('GET', `${lenient.base}/Users?filter=${encodeURIComponent(`${ENTRA_EXTENSION}:office.floor gt 2`)}`), 200);
      expect(ids(byFloor)).toContain(declaredUserId);
      const sorted = expectStatus(
        await lenient.request('GET', `${lenient.base}/Users?filter=${encodeURIComponent(`${ENTRA_EXTENSION}:costCenter pr`)}&sortBy=${encodeURIComponent(`${ENTRA_EXTENSION}:costCenter`)}`),
        200,
      );
      const costCenters = (sorted['Resources'] as Json[]).map((user) => user[ENTRA_EXTENSION]['costCenter'] as string);
      expect(costCenters).toEqual([...costCenters].sort());
    });

    it('validates new values by their declared types', async () => {
      const refused = expectScimError(
        await lenient.request('POST', `${lenient.base}/Users`, entraUser('typed@example.com', 'CC-1', { [ENTRA_EXTENSION]: { office: { floor: 'ten' } } })),
        400,
        'invalidValue',
      );
      expect(refused['detail']).toContain('floor');
      expectScimError(
        await lenient.request('POST', `${lenient.base}/Users`, entraUser('unknown@example.com', 'CC-1', { [ENTRA_EXTENSION]: { shoeSize: 42 } })),
        400,
        'invalidSyntax',
      );
    });

    it('carries its values in events', async () => {
      const events = expectJson(await admin.request('GET', '/tenants/lenient/events?limit=1000'), 200);
      const created = (events['events'] as Json[]).find((event) => event['type'] === 'user.created' && event['resourceId'] === declaredUserId);
      expect(JSON.stringify(created)).toContain('CC-42');
    });

    it('refuses a change that would orphan stored values unless forced', async () => {
      const narrowed = { ...costCenterDeclaration, attributes: [{ name: 'costCenter', type: 'string' }] };
      const refused = expectAdminError(await admin.request('POST', '/tenants/lenient/schemas', narrowed), 409, 'conflict');
      expect(refused['message']).toContain('badges');
      expectAdminError(await admin.request('DELETE', `/tenants/lenient/schemas/${encodeURIComponent(ENTRA_EXTENSION)}`), 409, 'conflict');
      // Widening (a new attribute) changes nothing stored.
      const widened = { ...costCenterDeclaration, attributes: [...costCenterDeclaration.attributes, { name: 'region', canonicalValues: ['EU', 'US'] }] };
      expectJson(await admin.request('POST', '/tenants/lenient/schemas', widened), 200);
    });

    it('removed with force, leaves the values stored and returned as undeclared', async () => {
      expectJson(await admin.request('DELETE', `/tenants/lenient/schemas/${encodeURIComponent(ENTRA_EXTENSION)}?force=true`), 204);
      const read = expectStatus(await lenient.request('GET', `${lenient.base}/Users/${declaredUserId}`), 200);
      expect(read[ENTRA_EXTENSION]).toMatchObject({ costCenter: 'CC-42' });
      expectScimError(await lenient.request('GET', `${lenient.base}/Users?filter=${encodeURIComponent(`${ENTRA_EXTENSION}:costCenter eq "CC-42"`)}`), 400, 'invalidFilter');
    });
  });

  describe('invalid declarations', () => {
    const cases: readonly [string, Json, string][] = [
      ['an unknown type', { ...costCenterDeclaration, attributes: [{ name: 'level', type: 'float' }] }, '"float"'],
      ['a name that clashes with a core attribute', { ...costCenterDeclaration, attributes: [{ name: 'userName' }] }, 'clashes'],
      ['a reserved URN', { ...costCenterDeclaration, id: 'urn:ietf:params:scim:schemas:core:2.0:Device' }, 'reserved'],
      ['a schema the server defines', { ...costCenterDeclaration, id: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User' }, 'already defines'],
      ['an unknown resource type', { ...costCenterDeclaration, resourceType: 'Device' }, '"Device"'],
      ['an unknown field', { ...costCenterDeclaration, attributes: [{ name: 'level', indexed: true }] }, '"indexed"'],
      ['no attributes', { ...costCenterDeclaration, attributes: [] }, 'non-empty'],
    ];
    for (const [what, declaration, named] of cases) {
      it(`refuses ${what} with a 400 naming it`, async () => {
        const refused = expectAdminError(await admin.request('POST', '/tenants/untouched/schemas', declaration), 400, 'bad_request');
        expect(refused['message']).toContain(named);
      });
    }

    it('answers 404 for a tenant that does not exist', async () => {
      expectAdminError(await admin.request('POST', '/tenants/nobody/schemas', costCenterDeclaration), 404, 'not_found');
    });
  });
});
