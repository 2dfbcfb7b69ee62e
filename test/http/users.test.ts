/**
 * /Users: create, read, replace and delete through HTTP (RFC 7644 §3.3,
 * §3.4.1, §3.5.1, §3.6; RFC 7643 §4.1, §4.3).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { attribute } from '../../src/core/schema/attribute.js';
import { build, type TestServer } from '../helpers/build.js';
import {
  createUser,
  ENTERPRISE_SCHEMA,
  expectScimError,
  expectStatus,
  type Json,
  PATCH_OP_SCHEMA,
  PUBLIC_BASE,
  USER_SCHEMA,
  userBody,
} from './support.js';

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/;

describe('/Users', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await build();
  });
  afterAll(async () => {
    await server.close();
  });

  describe('POST /Users', () => {
    it('creates the RFC 7644 §3.3 example user: 201, Location, ETag and meta', async () => {
      const response = await server.request({
        method: 'POST',
        url: '/scim/v2/Users',
        body: {
          schemas: [USER_SCHEMA],
          userName: 'bjensen',
          externalId: 'bjensen',
          name: { formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' },
        },
      });
      const user = expectStatus(response, 201);
      const id = user['id'] as string;
      expect(typeof id).toBe('string');
      expect(id.length).toBeGreaterThan(0);
      expect(user['schemas']).toEqual([USER_SCHEMA]);
      expect(user['userName']).toBe('bjensen');
      expect(user['externalId']).toBe('bjensen');
      expect(user['name']).toEqual({ formatted: 'Ms. Barbara J Jensen III', familyName: 'Jensen', givenName: 'Barbara' });
      const location = `${PUBLIC_BASE}/Users/${encodeURIComponent(id)}`;
      expect(response.headers['location']).toBe(location);
      expect(response.headers['etag']).toBe('W/"1"');
      expect(user['meta']).toEqual({
        resourceType: 'User',
        created: expect.stringMatching(ISO_DATE_TIME),
        lastModified: expect.stringMatching(ISO_DATE_TIME),
        location,
        version: 'W/"1"',
      });
      expect(user['meta']['created']).toBe(user['meta']['lastModified']);
    });

    it('returns the same representation on GET as on POST', async () => {
      const created = await createUser(server, 'roundtrip', { displayName: 'Round Trip', emails: [{ value: 'rt@example.com', type: 'work', primary: true }] });
      const response = await server.request({ method: 'GET', url: `/scim/v2/Users/${created['id'] as string}` });
      const fetched = expectStatus(response, 200);
      expect(fetched).toEqual(created);
      expect(response.headers['etag']).toBe(created['meta']['version']);
    });

    it('refuses a duplicate userName in another case with 409 uniqueness', async () => {
      await createUser(server, 'Duplicate.Person@example.com');
      const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('duplicate.person@EXAMPLE.com') });
      expectScimError(response, 409, 'uniqueness');
    });

    it('refuses a missing userName with 400 invalidValue', async () => {
      expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users', body: { schemas: [USER_SCHEMA], displayName: 'Nobody' } }), 400, 'invalidValue');
    });

    it('refuses an empty userName with 400 invalidValue', async () => {
      expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('') }), 400, 'invalidValue');
    });

    it('refuses an unknown attribute with 400 invalidSyntax', async () => {
      const body = expectScimError(
        await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('unknown-attr', { favouriteColour: 'teal' }) }),
        400,
        'invalidSyntax',
      );
      expect(body['detail']).toContain('favouriteColour');
    });

    it('refuses an unknown sub-attribute with 400 invalidSyntax', async () => {
      expectScimError(
        await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('unknown-sub', { name: { givenName: 'A', shoeSize: '9' } }) }),
        400,
        'invalidSyntax',
      );
    });

    it('refuses a body without schemas with 400 invalidSyntax', async () => {
      expectScimError(await server.request({ method: 'POST', url: '/scim/v2/Users', body: { userName: 'no-schemas' } }), 400, 'invalidSyntax');
    });

    it('refuses a Group body posted to /Users', async () => {
      const response = await server.request({
        method: 'POST',
        url: '/scim/v2/Users',
        body: { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], userName: 'not-a-user' },
      });
      expectScimError(response, 400, 'invalidSyntax');
    });

    it('accepts a password and never returns it (RFC 7643 §4.1.1 writeOnly, returned never)', async () => {
      const response = await server.request({ method: 'POST', url: '/scim/v2/Users', body: userBody('pw-holder', { password: 't1meMa$heen' }) });
      const created = expectStatus(response, 201);
      expect(created).not.toHaveProperty('password');
      expect(response.body).not.toContain('t1meMa$heen');
      const id = created['id'] as string;
      for (const url of [`/scim/v2/Users/${id}`, `/scim/v2/Users/${id}?attributes=password`, `/scim/v2/Users/${id}?attributes=userName,password`]) {
        const fetched = await server.request({ method: 'GET', url });
        expectStatus(fetched, 200);
        expect(fetched.body).not.toContain('password');
        expect(fetched.body).not.toContain('t1meMa$heen');
      }
      const listed = await server.request({ method: 'GET', url: '/scim/v2/Users?filter=userName%20eq%20%22pw-holder%22' });
      expect(listed.body).not.toContain('t1meMa$heen');
      expect(listed.body).not.toContain('"password"');
    });

    it('ignores id and meta in the body (readOnly, RFC 7644 §3.5.1)', async () => {
      const created = await createUser(server, 'readonly-ignored', {
        id: 'client-chosen-id',
        meta: { created: '2001-01-01T00:00:00Z', version: 'W/"99"', resourceType: 'Group' },
      });
      expect(created['id']).not.toBe('client-chosen-id');
      expect(created['meta']['created']).not.toBe('2001-01-01T00:00:00Z');
      expect(created['meta']['version']).toBe('W/"1"');
      expect(created['meta']['resourceType']).toBe('User');
      expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Users/client-chosen-id' }), 404);
    });

    it('ignores a client-sent groups attribute (readOnly)', async () => {
      const created = await createUser(server, 'groups-ignored', { groups: [{ value: 'some-group', display: 'Admins' }] });
      expect(created).not.toHaveProperty('groups');
    });

    it('reads attribute names case-insensitively and answers them in canonical case (RFC 7643 §2.1)', async () => {
      const response = await server.request({
        method: 'POST',
        url: '/scim/v2/Users',
        body: {
          SCHEMAS: [USER_SCHEMA],
          USERNAME: 'CaseUser',
          Name: { GIVENNAME: 'Case', familyname: 'User' },
          DisplayName: 'Case User',
          emails: [{ VALUE: 'case@example.com', Type: 'work', PRIMARY: true }],
          ACTIVE: true,
        },
      });
      const created = expectStatus(response, 201);
      expect(created['userName']).toBe('CaseUser');
      expect(created['name']).toEqual({ givenName: 'Case', familyName: 'User' });
      expect(created['displayName']).toBe('Case User');
      expect(created['emails']).toEqual([{ value: 'case@example.com', type: 'work', primary: true }]);
      expect(created['active']).toBe(true);
      for (const key of ['USERNAME', 'Name', 'DisplayName', 'ACTIVE', 'SCHEMAS']) expect(created).not.toHaveProperty(key);
    });

    it('accepts URN-qualified attribute names', async () => {
      const created = await createUser(server, 'qualified', {
        [`${USER_SCHEMA}:displayName`]: 'Qualified',
        [`${ENTERPRISE_SCHEMA}:department`]: 'Research',
      });
      expect(created['displayName']).toBe('Qualified');
      expect(created[ENTERPRISE_SCHEMA]).toEqual({ department: 'Research' });
      expect(created['schemas']).toEqual([USER_SCHEMA, ENTERPRISE_SCHEMA]);
    });

    it('stores the Enterprise User extension under its URN key with a manager $ref (RFC 7643 §4.3, §8.3)', async () => {
      const manager = await createUser(server, 'the-manager', { displayName: 'The Manager' });
      const managerId = manager['id'] as string;
      const created = await createUser(server, 'enterprise-employee', {
        schemas: [USER_SCHEMA, ENTERPRISE_SCHEMA],
        [ENTERPRISE_SCHEMA]: {
          employeeNumber: '701984',
          costCenter: '4130',
          organization: 'Universal Studios',
          division: 'Theme Park',
          department: 'Tour Operations',
          manager: { value: managerId },
        },
      });
      expect(created['schemas']).toEqual([USER_SCHEMA, ENTERPRISE_SCHEMA]);
      expect(created[ENTERPRISE_SCHEMA]).toMatchObject({
        employeeNumber: '701984',
        costCenter: '4130',
        organization: 'Universal Studios',
        division: 'Theme Park',
        department: 'Tour Operations',
        manager: { value: managerId, $ref: `${PUBLIC_BASE}/Users/${managerId}` },
      });
      const fetched = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${created['id'] as string}` }), 200);
      expect(fetched[ENTERPRISE_SCHEMA]).toEqual(created[ENTERPRISE_SCHEMA]);
    });

    it('answers POST with the projection asked for by attributes', async () => {
      const response = await server.request({ method: 'POST', url: '/scim/v2/Users?attributes=userName', body: userBody('projected-create', { displayName: 'Hidden' }) });
      const created = expectStatus(response, 201);
      expect(created['userName']).toBe('projected-create');
      expect(created['id']).toEqual(expect.any(String));
      expect(created['schemas']).toEqual([USER_SCHEMA]);
      expect(created).not.toHaveProperty('displayName');
      expect(response.headers['location']).toBe(`${PUBLIC_BASE}/Users/${created['id'] as string}`);
      expect(response.headers['etag']).toBe('W/"1"');
    });
  });

  describe('GET /Users/{id}', () => {
    let user: Json;
    beforeAll(async () => {
      user = await createUser(server, 'projection-target', {
        displayName: 'Projection Target',
        name: { givenName: 'Pro', familyName: 'Jection' },
        emails: [{ value: 'pt@example.com', type: 'work' }],
        title: 'Tester',
        password: 'hunter2hunter2',
      });
    });

    it('answers 200 with an ETag equal to meta.version', async () => {
      const response = await server.request({ method: 'GET', url: `/scim/v2/Users/${user['id'] as string}` });
      const body = expectStatus(response, 200);
      expect(response.headers['etag']).toBe('W/"1"');
      expect(body['meta']['version']).toBe('W/"1"');
    });

    it('answers 404 for an unknown id', async () => {
      expectScimError(await server.request({ method: 'GET', url: '/scim/v2/Users/does-not-exist' }), 404);
    });

    it('honours attributes: only the named ones plus id and schemas (RFC 7644 §3.4.2.5)', async () => {
      const body = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${user['id'] as string}?attributes=userName,name.givenName` }), 200);
      expect(body['id']).toBe(user['id']);
      expect(body['schemas']).toEqual([USER_SCHEMA]);
      expect(body['userName']).toBe('projection-target');
      expect(body['name']).toEqual({ givenName: 'Pro' });
      for (const key of ['displayName', 'emails', 'title', 'password']) expect(body).not.toHaveProperty(key);
    });

    it('honours excludedAttributes but always returns id and schemas', async () => {
      const body = expectStatus(
        await server.request({ method: 'GET', url: `/scim/v2/Users/${user['id'] as string}?excludedAttributes=emails,name,id,schemas` }),
        200,
      );
      expect(body['id']).toBe(user['id']);
      expect(body['schemas']).toEqual([USER_SCHEMA]);
      expect(body['userName']).toBe('projection-target');
      expect(body['title']).toBe('Tester');
      expect(body).not.toHaveProperty('emails');
      expect(body).not.toHaveProperty('name');
    });

    it('reads attribute names in attributes case-insensitively and URN-qualified', async () => {
      const body = expectStatus(
        await server.request({ method: 'GET', url: `/scim/v2/Users/${user['id'] as string}?attributes=${encodeURIComponent(`DISPLAYNAME,${USER_SCHEMA}:title`)}` }),
        200,
      );
      expect(body['displayName']).toBe('Projection Target');
      expect(body['title']).toBe('Tester');
      expect(body).not.toHaveProperty('userName');
    });
  });

  describe('PUT /Users/{id}', () => {
    it('replaces the resource: unsent attributes are removed, id and created kept, version bumped', async () => {
      const created = await createUser(server, 'to-replace', { title: 'Old title', name: { givenName: 'Old' }, nickName: 'Oldie' });
      const id = created['id'] as string;
      const response = await server.request({
        method: 'PUT',
        url: `/scim/v2/Users/${id}`,
        body: userBody('to-replace', { displayName: 'Replaced', id: 'ignored-id', meta: { created: '1999-01-01T00:00:00Z' } }),
      });
      const replaced = expectStatus(response, 200);
      expect(replaced['id']).toBe(id);
      expect(replaced['displayName']).toBe('Replaced');
      for (const key of ['title', 'name', 'nickName']) expect(replaced).not.toHaveProperty(key);
      expect(replaced['meta']['created']).toBe(created['meta']['created']);
      expect(replaced['meta']['version']).toBe('W/"2"');
      expect(response.headers['etag']).toBe('W/"2"');
      expect(Date.parse(replaced['meta']['lastModified'] as string)).toBeGreaterThanOrEqual(Date.parse(created['meta']['created'] as string));
      const fetched = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${id}` }), 200);
      expect(fetched).toEqual(replaced);
    });

    it('lets a user change the case of its own userName', async () => {
      const created = await createUser(server, 'self-rename');
      const replaced = expectStatus(
        await server.request({ method: 'PUT', url: `/scim/v2/Users/${created['id'] as string}`, body: userBody('SELF-RENAME') }),
        200,
      );
      expect(replaced['userName']).toBe('SELF-RENAME');
    });

    it('refuses taking another user’s userName with 409 uniqueness and changes nothing', async () => {
      await createUser(server, 'taken-name');
      const other = await createUser(server, 'other-name');
      const id = other['id'] as string;
      expectScimError(await server.request({ method: 'PUT', url: `/scim/v2/Users/${id}`, body: userBody('TAKEN-NAME') }), 409, 'uniqueness');
      const fetched = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${id}` }), 200);
      expect(fetched).toEqual(other);
    });

    it('refuses a replacement without userName with 400 invalidValue', async () => {
      const created = await createUser(server, 'put-missing');
      expectScimError(
        await server.request({ method: 'PUT', url: `/scim/v2/Users/${created['id'] as string}`, body: { schemas: [USER_SCHEMA], displayName: 'x' } }),
        400,
        'invalidValue',
      );
    });

    it('answers 404 when replacing an unknown id', async () => {
      expectScimError(await server.request({ method: 'PUT', url: '/scim/v2/Users/unknown-id', body: userBody('ghost') }), 404);
    });

    it('keeps the Location and meta.location absolute after a replace', async () => {
      const created = await createUser(server, 'put-location');
      const replaced = expectStatus(
        await server.request({ method: 'PUT', url: `/scim/v2/Users/${created['id'] as string}`, body: userBody('put-location', { active: false }) }),
        200,
      );
      expect(replaced['meta']['location']).toBe(`${PUBLIC_BASE}/Users/${created['id'] as string}`);
      expect(replaced['active']).toBe(false);
    });
  });

  describe('DELETE /Users/{id}', () => {
    it('answers 204 without a body; then GET, PUT, PATCH and DELETE answer 404', async () => {
      const created = await createUser(server, 'to-delete');
      const id = created['id'] as string;
      expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${id}` }), 204);
      expectScimError(await server.request({ method: 'GET', url: `/scim/v2/Users/${id}` }), 404);
      expectScimError(await server.request({ method: 'PUT', url: `/scim/v2/Users/${id}`, body: userBody('to-delete') }), 404);
      expectScimError(
        await server.request({
          method: 'PATCH',
          url: `/scim/v2/Users/${id}`,
          body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: 'active', value: false }] },
        }),
        404,
      );
      expectScimError(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${id}` }), 404);
    });

    it('frees the userName for a new user', async () => {
      const created = await createUser(server, 'reusable-name');
      expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${created['id'] as string}` }), 204);
      const again = await createUser(server, 'Reusable-Name');
      expect(again['id']).not.toBe(created['id']);
    });

    it('removes the user from list results', async () => {
      const created = await createUser(server, 'listed-then-deleted');
      expectStatus(await server.request({ method: 'DELETE', url: `/scim/v2/Users/${created['id'] as string}` }), 204);
      const list = expectStatus(await server.request({ method: 'GET', url: '/scim/v2/Users?filter=userName%20eq%20%22listed-then-deleted%22' }), 200);
      expect(list['totalResults']).toBe(0);
    });
  });
});

describe('/Users with an immutable extension attribute (RFC 7643 §2.2 mutability)', () => {
  const ACME = 'urn:example:params:scim:schemas:extension:acme:2.0:User';
  let server: TestServer;
  beforeAll(async () => {
    const schemaExtensions = [
      {
        resourceType: 'User',
        schema: {
          id: ACME,
          name: 'AcmeUser',
          description: 'Acme badge data',
          attributes: [attribute('badgeId', 'string', { mutability: 'immutable', description: 'Badge printed at hire' })],
        },
      },
    ] as const;
    server = await build({}, { schemaExtensions });
  });
  afterAll(async () => {
    await server.close();
  });

  it('accepts the immutable value at creation', async () => {
    const created = await createUser(server, 'badge-holder', { [ACME]: { badgeId: 'B-1' } });
    expect(created[ACME]).toEqual({ badgeId: 'B-1' });
  });

  it('answers a PUT that changes it with 400 mutability and changes nothing', async () => {
    const created = await createUser(server, 'badge-put', { [ACME]: { badgeId: 'B-2' } });
    const id = created['id'] as string;
    expectScimError(
      await server.request({ method: 'PUT', url: `/scim/v2/Users/${id}`, body: userBody('badge-put', { [ACME]: { badgeId: 'B-999' } }) }),
      400,
      'mutability',
    );
    const fetched = expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${id}` }), 200);
    expect(fetched).toEqual(created);
  });

  it('accepts a PUT that repeats the same immutable value', async () => {
    const created = await createUser(server, 'badge-same', { [ACME]: { badgeId: 'B-3' } });
    const replaced = expectStatus(
      await server.request({ method: 'PUT', url: `/scim/v2/Users/${created['id'] as string}`, body: userBody('badge-same', { displayName: 'Same', [ACME]: { badgeId: 'B-3' } }) }),
      200,
    );
    expect(replaced[ACME]).toEqual({ badgeId: 'B-3' });
    expect(replaced['displayName']).toBe('Same');
  });

  it('answers a PATCH replace of it with 400 mutability', async () => {
    const created = await createUser(server, 'badge-patch', { [ACME]: { badgeId: 'B-4' } });
    const id = created['id'] as string;
    expectScimError(
      await server.request({
        method: 'PATCH',
        url: `/scim/v2/Users/${id}`,
        body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'replace', path: `${ACME}:badgeId`, value: 'B-5' }] },
      }),
      400,
      'mutability',
    );
    expect(expectStatus(await server.request({ method: 'GET', url: `/scim/v2/Users/${id}` }), 200)).toEqual(created);
  });

  it('lets a PATCH add it when it had no value (RFC 7644 §3.5.2)', async () => {
    const created = await createUser(server, 'badge-later');
    const patched = expectStatus(
      await server.request({
        method: 'PATCH',
        url: `/scim/v2/Users/${created['id'] as string}`,
        body: { schemas: [PATCH_OP_SCHEMA], Operations: [{ op: 'add', path: `${ACME}:badgeId`, value: 'B-6' }] },
      }),
      200,
    );
    expect(patched[ACME]).toEqual({ badgeId: 'B-6' });
  });
});
