import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { ScimError } from '../errors/scim-error.js';
import { attribute, type SchemaDefinition } from '../schema/attribute.js';
import { createDefaultRegistry } from '../schema/registry.js';
import { compileFilter, evaluateElementFilter, evaluateFilter } from './evaluate.js';
import { babsJensen, babsJensenEnterprise, bjensenIntern, jsmithContractor, minimalUser } from './fixtures/users.js';
import { parseFilter } from './parser.js';

const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const GAME = 'urn:example:params:scim:schemas:extension:game:2.0:User';

/** A custom extension with the attribute types the RFC 7643 User lacks (numbers, a singular dateTime, multi-valued strings). */
const gameSchema: SchemaDefinition = {
  id: GAME,
  name: 'Game',
  description: 'Test extension',
  attributes: [
    attribute('level', 'integer'),
    attribute('score', 'decimal'),
    attribute('since', 'dateTime'),
    attribute('tags', 'string', { multiValued: true }),
    attribute('badge', 'binary'),
  ],
};

const registry = createDefaultRegistry([{ resourceType: 'User', schema: gameSchema }]);
const users = registry.forResourceType('User');
const groups = registry.forResourceType('Group');

function matches(filter: string, resource: Readonly<Record<string, unknown>>): boolean {
  return evaluateFilter(parseFilter(filter), resource, users);
}

describe('evaluateFilter: RFC 7644 §3.4.2.2 examples against RFC 7643 §8.2/§8.3 users', () => {
  const people = { babsJensen, babsJensenEnterprise, bjensenIntern, jsmithContractor, minimalUser };
  type Expectation = readonly [boolean, boolean, boolean, boolean, boolean];
  const table: readonly (readonly [string, Expectation])[] = [
    ['userName eq "bjensen"', [false, false, true, false, false]],
    [`name.familyName co "O'Malley"`, [false, false, true, false, false]],
    ['userName sw "J"', [false, false, false, true, false]],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"', [false, false, false, true, false]],
    ['title pr', [true, true, false, false, false]],
    // bjensenIntern's lastModified is Babs's instant written as +02:00.
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', [false, false, false, false, true]],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', [true, true, true, false, true]],
    ['meta.lastModified lt "2011-05-13T04:42:34Z"', [false, false, false, true, false]],
    ['meta.lastModified le "2011-05-13T04:42:34Z"', [true, true, true, true, false]],
    ['title pr and userType eq "Employee"', [true, true, false, false, false]],
    ['title pr or userType eq "Intern"', [true, true, true, false, false]],
    [`schemas eq "${ENTERPRISE_USER}"`, [false, true, false, false, false]],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', [true, true, false, false, false]],
    // The minimal user has no userType ("ne" holds) and no emails ("co" fails, so "not" holds).
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', [false, false, false, false, true]],
    ['userType eq "Employee" and (emails.type eq "work")', [true, true, false, false, false]],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', [true, true, false, false, false]],
    // JSmith has a work email and an @example.com email, but not on the same element.
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', [true, true, true, false, false]],
  ];

  for (const [filter, expected] of table) {
    it(`§3.4.2.2: ${filter}`, () => {
      expect(Object.values(people).map((person) => matches(filter, person))).toEqual(expected);
    });
  }

  it('compiles once and filters a list', () => {
    const isEmployee = compileFilter(parseFilter('userType eq "employee"'), users);
    expect(Object.values(people).filter(isEmployee).map((person) => person['userName'])).toEqual(['bjensen@example.com', 'bjensen@example.com']);
  });
});

describe('evaluateFilter: caseExact', () => {
  it('compares userName (caseExact false) without regard to case', () => {
    expect(matches('userName eq "BJensen@Example.COM"', babsJensen)).toBe(true);
    expect(matches('userName sw "BJENSEN"', babsJensen)).toBe(true);
    expect(matches('emails.value co "EXAMPLE.com"', babsJensen)).toBe(true);
    expect(matches('profileUrl co "LOGIN.example"', babsJensen)).toBe(true);
  });

  it('compares id and externalId (caseExact true) exactly', () => {
    expect(matches('id eq "2819c223-7f76-453a-919d-413861904646"', babsJensen)).toBe(true);
    expect(matches('id eq "2819C223-7F76-453A-919D-413861904646"', babsJensen)).toBe(false);
    const resource = { ...minimalUser, externalId: 'AbC-701984' };
    expect(matches('externalId eq "AbC-701984"', resource)).toBe(true);
    expect(matches('externalId eq "abc-701984"', resource)).toBe(false);
    expect(matches('externalId sw "abc"', resource)).toBe(false);
    expect(matches('externalId sw "AbC"', resource)).toBe(true);
  });

  it('respects caseExact on sub-attributes (meta.resourceType, x509Certificates.value)', () => {
    expect(matches('meta.resourceType eq "User"', babsJensen)).toBe(true);
    expect(matches('meta.resourceType eq "user"', babsJensen)).toBe(false);
    expect(matches('x509Certificates sw "MIIDQzCC"', babsJensen)).toBe(true);
    expect(matches('x509Certificates sw "miidqzcc"', babsJensen)).toBe(false);
  });

  it('orders case-folded strings by code point', () => {
    expect(matches('userName gt "BJENSEN"', babsJensen)).toBe(true);
    expect(matches('userName lt "c"', babsJensen)).toBe(true);
    expect(matches('userName ge "bjensen@example.com"', babsJensen)).toBe(true);
    expect(matches('userName le "BJENSEN@EXAMPLE.COM"', babsJensen)).toBe(true);
    // U+FF5E sorts before U+1F600 by code point, though its UTF-16 unit is larger than the surrogate's.
    expect(matches('userName lt "😀"', { ...minimalUser, userName: '～' })).toBe(true);
  });
});

describe('evaluateFilter: dateTime compares instants', () => {
  it('treats the same instant in other notations as equal', () => {
    expect(matches('meta.created eq "2010-01-23T04:56:22Z"', babsJensen)).toBe(true);
    expect(matches('meta.created eq "2010-01-23T05:56:22+01:00"', babsJensen)).toBe(true);
    expect(matches('meta.created eq "2010-01-23T04:56:22.000Z"', babsJensen)).toBe(true);
    expect(matches('meta.created eq "2010-01-23T04:56:22"', babsJensen)).toBe(true);
    expect(matches('meta.created ne "2010-01-22T23:56:22-05:00"', babsJensen)).toBe(false);
  });

  it('orders by instant, not by text', () => {
    // As text "2011-05-13T06:42:34+02:00" > "2011-05-13T05:00:00Z"; as instants it is earlier.
    expect(matches('meta.lastModified lt "2011-05-13T05:00:00Z"', bjensenIntern)).toBe(true);
    expect(matches('meta.lastModified gt "2011-05-13T04:42:33.999Z"', babsJensen)).toBe(true);
    expect(matches('meta.lastModified gt "2011-05-13T04:42:34.001Z"', babsJensen)).toBe(false);
  });

  it('never matches a stored value that is not a date-time', () => {
    const resource = { ...minimalUser, meta: { lastModified: 'yesterday' } };
    expect(matches('meta.lastModified lt "2100-01-01T00:00:00Z"', resource)).toBe(false);
    expect(matches('meta.lastModified gt "1900-01-01T00:00:00Z"', resource)).toBe(false);
    expect(matches('meta.lastModified pr', resource)).toBe(true);
  });

  it('agrees with Date ordering for arbitrary instants and offsets (property)', () => {
    const instant = fc.integer({ min: Date.UTC(1000, 0, 1), max: Date.UTC(9000, 0, 1) });
    fc.assert(
      fc.property(instant, instant, fc.integer({ min: -14 * 60, max: 14 * 60 }), (stored, wanted, offsetMinutes) => {
        const resource = { ...minimalUser, [GAME]: { since: new Date(stored).toISOString() } };
        const sign = offsetMinutes < 0 ? '-' : '+';
        const magnitude = Math.abs(offsetMinutes);
        const local = new Date(wanted + offsetMinutes * 60_000).toISOString().slice(0, 23);
        const zone = `${sign}${String(Math.floor(magnitude / 60)).padStart(2, '0')}:${String(magnitude % 60).padStart(2, '0')}`;
        const value = JSON.stringify(`${local}${zone}`);
        expect(matches(`${GAME}:since gt ${value}`, resource)).toBe(stored > wanted);
        expect(matches(`${GAME}:since eq ${value}`, resource)).toBe(stored === wanted);
        expect(matches(`${GAME}:since le ${value}`, resource)).toBe(stored <= wanted);
      }),
      { numRuns: 300 },
    );
  });
});

describe('evaluateFilter: value paths match one and the same element', () => {
  it('requires the whole inner filter to hold on a single element', () => {
    expect(matches('emails[type eq "work" and value eq "babs@jensen.org"]', babsJensen)).toBe(false);
    expect(matches('emails.type eq "work" and emails.value eq "babs@jensen.org"', babsJensen)).toBe(true);
    expect(matches('emails[type eq "home" and value eq "babs@jensen.org"]', babsJensen)).toBe(true);
    expect(matches('emails[primary eq true and type eq "home"]', babsJensen)).toBe(false);
    expect(matches('emails[primary eq true]', babsJensen)).toBe(true);
  });

  it('applies missing-attribute rules per element', () => {
    // The home email has no "primary": "ne true" holds for it.
    expect(matches('emails[primary ne true and type eq "home"]', babsJensen)).toBe(true);
    expect(matches('emails[primary eq null and type eq "work"]', babsJensen)).toBe(false);
    expect(matches('emails[not (primary pr)]', babsJensen)).toBe(true);
  });

  it('works on readOnly and $ref sub-attributes and under "not"', () => {
    expect(matches('groups[display eq "employees"]', babsJensen)).toBe(true);
    expect(matches('groups[$ref ew "d5c6a331660a"]', babsJensen)).toBe(true);
    expect(matches('groups.$ref ew "d5c6a331660a"', babsJensen)).toBe(true);
    expect(matches('not (emails[type eq "other"])', babsJensen)).toBe(true);
    expect(matches('addresses[type eq "work" and postalCode eq "91608" and primary eq true]', babsJensen)).toBe(true);
  });

  it('ignores elements that are not objects', () => {
    expect(matches('emails[value pr]', { ...minimalUser, emails: ['x@example.com', null, 7] })).toBe(false);
  });
});

describe('evaluateFilter: extension attributes', () => {
  it('§8.3: reads the Enterprise User extension under its URN', () => {
    expect(matches(`${ENTERPRISE_USER}:department eq "Tour Operations"`, babsJensenEnterprise)).toBe(true);
    expect(matches(`${ENTERPRISE_USER}:department eq "Tour Operations"`, babsJensen)).toBe(false);
    expect(matches(`${ENTERPRISE_USER}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`, babsJensenEnterprise)).toBe(true);
    expect(matches(`${ENTERPRISE_USER}:manager pr`, babsJensenEnterprise)).toBe(true);
    expect(matches(`${ENTERPRISE_USER}:manager pr`, babsJensen)).toBe(false);
    expect(matches(`${ENTERPRISE_USER}:manager.displayName sw "john"`, babsJensenEnterprise)).toBe(true);
  });

  it('resolves the URN and attribute names case-insensitively', () => {
    expect(matches('URN:IETF:params:scim:schemas:extension:ENTERPRISE:2.0:user:Department eq "tour operations"', babsJensenEnterprise)).toBe(true);
    expect(matches('USERNAME EQ "bjensen@example.com" and Name.GivenName eq "barbara"', babsJensen)).toBe(true);
  });
});

describe('evaluateFilter: missing, null, empty and multi-valued rules', () => {
  it('on a missing attribute: eq false, ne true, ordering and substring false, pr false, eq null true', () => {
    expect(matches('title eq "x"', minimalUser)).toBe(false);
    expect(matches('title ne "x"', minimalUser)).toBe(true);
    expect(matches('title gt "a"', minimalUser)).toBe(false);
    expect(matches('title le "z"', minimalUser)).toBe(false);
    expect(matches('title co ""', minimalUser)).toBe(false);
    expect(matches('title sw ""', minimalUser)).toBe(false);
    expect(matches('title pr', minimalUser)).toBe(false);
    expect(matches('title eq null', minimalUser)).toBe(true);
    expect(matches('title ne null', minimalUser)).toBe(false);
    expect(matches(`${ENTERPRISE_USER}:manager.value ne "x"`, minimalUser)).toBe(true);
  });

  it('on a present attribute: eq null false, ne null true, co "" true', () => {
    expect(matches('title eq null', babsJensen)).toBe(false);
    expect(matches('title ne null', babsJensen)).toBe(true);
    expect(matches('title co ""', babsJensen)).toBe(true);
  });

  it('treats null, "", [] and objects without values as absent (RFC 7643 §2.5)', () => {
    const hollow = { ...minimalUser, title: '', nickName: null, emails: [], name: { givenName: '' }, addresses: [{}], phoneNumbers: [{ type: 'work' }] };
    for (const filter of ['title pr', 'nickName pr', 'emails pr', 'name pr', 'addresses pr', 'phoneNumbers pr']) {
      expect(matches(filter, hollow)).toBe(false);
    }
    for (const filter of ['title eq null', 'nickName eq null', 'emails eq null', 'name eq null', 'addresses eq null']) {
      expect(matches(filter, hollow)).toBe(true);
    }
    expect(matches('phoneNumbers.type pr', hollow)).toBe(true);
  });

  it('on a multi-valued attribute: any element, for ne as for eq/co/… (RFC 7644 §3.4.2.2)', () => {
    expect(matches('emails.type eq "home"', babsJensen)).toBe(true);
    // Babs has a work and a home email: the home one is "ne work".
    expect(matches('emails.type ne "work"', babsJensen)).toBe(true);
    expect(matches('emails[type ne "work"]', babsJensen)).toBe(true);
    expect(matches('not (emails.type eq "work")', babsJensen)).toBe(false);
    expect(matches('emails.type ne "other"', babsJensen)).toBe(true);
    expect(matches('emails eq "babs@jensen.org"', babsJensen)).toBe(true);
    expect(matches('emails ne "babs@jensen.org"', babsJensen)).toBe(true);
    const onlyWork = { ...minimalUser, emails: [{ value: 'w@example.com', type: 'work' }] };
    expect(matches('emails.type ne "work"', onlyWork)).toBe(false);
    expect(matches('emails[type ne "work"]', onlyWork)).toBe(false);
    // No email, no value to match; the negation of eq is another filter.
    expect(matches('emails.type ne "work"', minimalUser)).toBe(false);
    expect(matches('emails[type ne "work"]', minimalUser)).toBe(false);
    expect(matches('not (emails.type eq "work")', minimalUser)).toBe(true);
    // An email without a type is "ne work", in both spellings.
    const untyped = { ...minimalUser, emails: [{ value: 'u@example.com' }] };
    expect(matches('emails.type ne "work"', untyped)).toBe(true);
    expect(matches('emails[type ne "work"]', untyped)).toBe(true);
    expect(matches('emails pr', babsJensen)).toBe(true);
    expect(matches('emails pr', minimalUser)).toBe(false);
    expect(matches('addresses pr', babsJensen)).toBe(true);
  });

  it('on multi-valued simple attributes (schemas, custom tags): any element', () => {
    expect(matches('schemas eq "urn:ietf:params:scim:schemas:core:2.0:User"', babsJensenEnterprise)).toBe(true);
    expect(matches('schemas eq "URN:IETF:PARAMS:SCIM:SCHEMAS:CORE:2.0:USER"', babsJensen)).toBe(true);
    expect(matches('schemas ew "enterprise:2.0:User"', babsJensen)).toBe(false);
    const tagged = { ...minimalUser, [GAME]: { tags: ['red', 'Blue'] } };
    expect(matches(`${GAME}:tags eq "blue"`, tagged)).toBe(true);
    expect(matches(`${GAME}:tags ne "red"`, tagged)).toBe(true);
    expect(matches(`${GAME}:tags ne "red"`, { ...minimalUser, [GAME]: { tags: ['Red'] } })).toBe(false);
    expect(matches(`${GAME}:tags ne "red"`, minimalUser)).toBe(false);
    expect(matches(`${GAME}:tags sw "gr"`, tagged)).toBe(false);
  });

  it('derives ne and eq null from eq and pr on arbitrary values (property)', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), fc.string(), (title, wanted) => {
        const resource = title === undefined ? minimalUser : { ...minimalUser, title };
        const value = JSON.stringify(wanted);
        expect(matches(`title ne ${value}`, resource)).toBe(!matches(`title eq ${value}`, resource));
        expect(matches('title eq null', resource)).toBe(!matches('title pr', resource));
        expect(matches('title pr', resource)).toBe(title !== undefined && title.length > 0);
      }),
      { numRuns: 300 },
    );
  });

  it('finds prefixes, infixes and suffixes whatever their case (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), (prefix, middle, suffix) => {
        const resource = { ...minimalUser, displayName: `${prefix}${middle}${suffix}` };
        expect(matches(`displayName sw ${JSON.stringify(prefix.toUpperCase())}`, resource)).toBe(true);
        expect(matches(`displayName co ${JSON.stringify(middle.toLowerCase())}`, resource)).toBe(true);
        expect(matches(`displayName ew ${JSON.stringify(suffix)}`, resource)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('evaluateFilter: booleans, numbers and binary', () => {
  it('compares booleans with eq and ne', () => {
    expect(matches('active eq true', babsJensen)).toBe(true);
    expect(matches('active ne true', babsJensen)).toBe(false);
    expect(matches('active eq false', bjensenIntern)).toBe(true);
    expect(matches('active eq false', minimalUser)).toBe(false);
  });

  it('compares integers and decimals numerically', () => {
    const player = { ...minimalUser, [GAME]: { level: 10, score: 2.5 } };
    expect(matches(`${GAME}:level gt 9`, player)).toBe(true);
    expect(matches(`${GAME}:level gt 10`, player)).toBe(false);
    expect(matches(`${GAME}:level ge 1e1`, player)).toBe(true);
    expect(matches(`${GAME}:level lt 10.5`, player)).toBe(true);
    expect(matches(`${GAME}:score eq 2.50`, player)).toBe(true);
    expect(matches(`${GAME}:score le -1`, player)).toBe(false);
    expect(matches(`${GAME}:level ne 10`, player)).toBe(false);
  });

  it('never matches stored values of the wrong JSON type', () => {
    expect(matches('userName eq "5"', { ...minimalUser, userName: 5 })).toBe(false);
    expect(matches('active eq true', { ...minimalUser, active: 'true' })).toBe(false);
    expect(matches(`${GAME}:level eq 10`, { ...minimalUser, [GAME]: { level: '10' } })).toBe(false);
  });

  it('compares binary values as strings', () => {
    const resource = { ...minimalUser, [GAME]: { badge: 'QUJD' } };
    expect(matches(`${GAME}:badge eq "qujd"`, resource)).toBe(true);
    expect(matches(`${GAME}:badge co "UJ"`, resource)).toBe(true);
  });
});

describe('evaluateFilter: invalid filters', () => {
  it('throws invalidFilter even when the resource lacks the attribute', () => {
    for (const filter of ['active gt true', 'nosuch pr', 'name eq "x"', 'password eq "t1meMa$heen"']) {
      const run = () => matches(filter, minimalUser);
      expect(run).toThrow(ScimError);
      try {
        run();
      } catch (error) {
        expect((error as ScimError).scimType).toBe('invalidFilter');
      }
    }
  });
});

describe('evaluateElementFilter', () => {
  const emails = users.resolvePath('emails');
  const members = groups.resolvePath('members');
  if (!emails || !members) throw new Error('emails and members must resolve');

  it('evaluates a value filter against one element (the PATCH engine selects elements with it)', () => {
    const work = { value: 'bjensen@example.com', type: 'work', primary: true };
    const home = { value: 'babs@jensen.org', type: 'home' };
    const filter = parseFilter('type eq "work" and value co "@example.com"');
    expect(evaluateElementFilter(filter, work, emails, users)).toBe(true);
    expect(evaluateElementFilter(filter, home, emails, users)).toBe(false);
    expect(evaluateElementFilter(parseFilter('not (primary eq true)'), home, emails, users)).toBe(true);
    expect(evaluateElementFilter(parseFilter('TYPE EQ "WORK"'), work, emails, users)).toBe(true);
  });

  it('§3.5.2.2: selects a Group member by value', () => {
    const member = { value: '2819c223-7f76-453a-919d-413861904646', type: 'User', display: 'Babs Jensen' };
    expect(evaluateElementFilter(parseFilter('value eq "2819c223-7f76-453a-919d-413861904646"'), member, members, groups)).toBe(true);
    expect(evaluateElementFilter(parseFilter('value eq "902c246b-6245-4190-8e05-00816be7344a"'), member, members, groups)).toBe(false);
  });

  it('never matches an element that is not an object', () => {
    expect(evaluateElementFilter(parseFilter('value pr'), 'bjensen@example.com', emails, users)).toBe(false);
    expect(evaluateElementFilter(parseFilter('value eq null'), null, emails, users)).toBe(false);
  });

  it('rejects paths that are not sub-attributes of the element, and non multi-valued targets', () => {
    const name = users.resolvePath('name');
    const givenName = users.resolvePath('name.givenName');
    if (!name || !givenName) throw new Error('name must resolve');
    expect(() => evaluateElementFilter(parseFilter('nosuch eq "x"'), {}, emails, users)).toThrow(/Unknown sub-attribute "nosuch" of "emails"/);
    expect(() => evaluateElementFilter(parseFilter('emails.type eq "x"'), {}, emails, users)).toThrow(ScimError);
    expect(() => evaluateElementFilter(parseFilter('givenName eq "x"'), {}, name, users)).toThrow(/not multi-valued/);
    expect(() => evaluateElementFilter(parseFilter('givenName eq "x"'), {}, givenName, users)).toThrow(TypeError);
  });
});

describe('filter attribute aliases (docs/interop.md, "`manager` in a filter")', () => {
  it('reads a bare "manager" on Users as the enterprise manager.value, as Entra\'s tutorial Example 4 sends it', () => {
    const managerId = (babsJensenEnterprise['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User'] as { manager: { value: string } }).manager.value;
    expect(matches(`manager eq "${managerId}"`, babsJensenEnterprise)).toBe(true);
    expect(matches(`MANAGER eq "${managerId}"`, babsJensenEnterprise)).toBe(true);
    expect(matches('manager eq "someone-else"', babsJensenEnterprise)).toBe(false);
    expect(matches(`manager eq "${managerId}"`, babsJensen)).toBe(false);
  });

  it('has no alias on Groups: "manager" stays unknown there', () => {
    expect(() => evaluateFilter(parseFilter('manager eq "x"'), { displayName: 'G' }, groups)).toThrow(/Unknown attribute "manager"/);
  });
});
