import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ScimError } from '../errors/scim-error.js';
import { attribute, type SchemaDefinition } from '../schema/attribute.js';
import { createDefaultRegistry } from '../schema/registry.js';
import enterpriseUser from './fixtures/rfc7643-8.3-enterprise-user.json' with { type: 'json' };
import tourGuides from './fixtures/rfc7643-8.4-group.json' with { type: 'json' };
import { canonicalDateTime } from './date-time.js';
import { assertImmutableUnchanged, normalizeResource, validateResource } from './index.js';

const registry = createDefaultRegistry();
const users = registry.forResourceType('User');
const groups = registry.forResourceType('Group');
const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';

function expectScimError(action: () => unknown, status: number, scimType: string, detail: RegExp): void {
  let caught: unknown;
  try {
    action();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ScimError);
  const error = caught as ScimError;
  expect({ status: error.status, scimType: error.scimType }).toEqual({ status, scimType });
  expect(error.detail).toMatch(detail);
}

describe('validateResource', () => {
  it('accepts the canonical form of the RFC 7643 §8.3 and §8.4 examples', () => {
    expect(() => validateResource(normalizeResource(enterpriseUser, users).attributes, users)).not.toThrow();
    expect(() => validateResource(normalizeResource(tourGuides, groups).attributes, groups)).not.toThrow();
  });

  it('rejects a missing required attribute', () => {
    expectScimError(() => validateResource({ schemas: [GROUP] }, groups), 400, 'invalidValue', /"displayName" is required/);
  });

  it('rejects non-canonical values that a client body would have been normalised from', () => {
    expectScimError(() => validateResource({ schemas: [USER], userName: 'b', active: 'true' }, users), 400, 'invalidValue', /"active"/);
    expectScimError(() => validateResource({ schemas: [USER], userName: 'b', emails: [] }, users), 400, 'invalidValue', /"emails"/);
    expectScimError(() => validateResource({ schemas: [USER], userName: 'b', id: '1' }, users), 400, 'invalidValue', /"id"/);
    expectScimError(() => validateResource({ schemas: [USER, USER], userName: 'b' }, users), 400, 'invalidValue', /"schemas"/);
  });

  it('rejects a second primary value and a non-canonical member type', () => {
    expectScimError(
      () => validateResource({ schemas: [USER], userName: 'b', emails: [{ value: 'a', primary: true }, { value: 'b', primary: true }] }, users),
      400,
      'invalidValue',
      /primary/,
    );
    expectScimError(() => validateResource({ schemas: [GROUP], displayName: 'G', members: [{ value: 'x', type: 'Robot' }] }, groups), 400, 'invalidValue', /members\.type/);
  });

  it('treats a password inside the attributes as a programming error', () => {
    expect(() => validateResource({ schemas: [USER], userName: 'b', password: 'secret' }, users)).toThrow(TypeError);
  });
});

describe('assertImmutableUnchanged (RFC 7644 §3.5.1)', () => {
  const group = (members: unknown[]) => ({ schemas: [GROUP], displayName: 'G', members });

  it('allows adding and removing members, and setting a member type that was unset', () => {
    expect(() => assertImmutableUnchanged(group([{ value: 'a', type: 'User' }, { value: 'b' }]), group([{ value: 'b', type: 'Group' }, { value: 'c' }]), groups)).not.toThrow();
  });

  it('accepts a member listed again without its type (the service fills it from the stored member)', () => {
    expect(() => assertImmutableUnchanged(group([{ value: 'a', type: 'User' }]), group([{ value: 'a' }]), groups)).not.toThrow();
  });

  it('refuses to change the immutable type of a member that stays', () => {
    expectScimError(
      () => assertImmutableUnchanged(group([{ value: 'a', type: 'User' }]), group([{ value: 'a', type: 'Group' }]), groups),
      400,
      'mutability',
      /"members\.type" is immutable/,
    );
  });

  it('refuses to change or remove an immutable attribute of a custom extension, and allows setting it once', () => {
    const BADGE = 'urn:example:params:scim:schemas:extension:badge:2.0:User';
    const badgeSchema: SchemaDefinition = { id: BADGE, name: 'Badge', description: '', attributes: [attribute('serial', 'string', { mutability: 'immutable' })] };
    const custom = createDefaultRegistry([{ resourceType: 'User', schema: badgeSchema }]).forResourceType('User');
    const withSerial = (serial: string | undefined) => ({ schemas: [USER, BADGE], userName: 'b', ...(serial === undefined ? {} : { [BADGE]: { serial } }) });
    expect(() => assertImmutableUnchanged(withSerial(undefined), withSerial('S-1'), custom)).not.toThrow();
    expect(() => assertImmutableUnchanged(withSerial('S-1'), withSerial('s-1'), custom)).not.toThrow();
    expectScimError(() => assertImmutableUnchanged(withSerial('S-1'), withSerial('S-2'), custom), 400, 'mutability', /:serial" is immutable/);
    expectScimError(() => assertImmutableUnchanged(withSerial('S-1'), withSerial(undefined), custom), 400, 'mutability', /:serial" is immutable/);
  });

  it('ignores changes of readWrite attributes', () => {
    expect(() => assertImmutableUnchanged({ schemas: [USER], userName: 'a', title: 'x' }, { schemas: [USER], userName: 'b' }, users)).not.toThrow();
  });
});

describe('canonicalDateTime (RFC 7643 §2.3.5)', () => {
  it('normalises offsets, fractions and missing parts to UTC with milliseconds', () => {
    expect(canonicalDateTime('2008-01-23T04:56:22Z')).toBe('2008-01-23T04:56:22.000Z');
    expect(canonicalDateTime('2008-01-23T04:56:22.123456Z')).toBe('2008-01-23T04:56:22.123Z');
    expect(canonicalDateTime('2008-01-23T00:30:00-05:00')).toBe('2008-01-23T05:30:00.000Z');
    expect(canonicalDateTime('2008-01-23T04:56:22')).toBe('2008-01-23T04:56:22.000Z');
    expect(canonicalDateTime('2008-01-23')).toBe('2008-01-23T00:00:00.000Z');
    expect(canonicalDateTime('2024-02-29T12:00:00Z')).toBe('2024-02-29T12:00:00.000Z');
  });

  it('rejects impossible dates and times', () => {
    for (const text of ['2023-02-29T00:00:00Z', '2008-13-01T00:00:00Z', '2008-01-23T24:00:00Z', '2008-01-23T04:60:00Z', '2008-01-23T04:56:22+25:00', '23/01/2008', '']) {
      expect(canonicalDateTime(text)).toBeUndefined();
    }
  });

  it('agrees with Date for any instant written with an offset', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9000-01-01T00:00:00Z'), noInvalidDate: true }),
        fc.integer({ min: -14 * 60, max: 14 * 60 }),
        (date, offsetMinutes) => {
          const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 23);
          const sign = offsetMinutes < 0 ? '-' : '+';
          const magnitude = Math.abs(offsetMinutes);
          const offset = `${sign}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
          expect(canonicalDateTime(`${local}${offset}`)).toBe(date.toISOString());
        },
      ),
    );
  });
});
