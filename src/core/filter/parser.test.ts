import { describe, it, expect } from 'vitest';
import { ScimError } from '../errors/scim-error.js';
import { filterNodes, type AttributePathNode, type FilterNode } from './ast.js';
import { defaultFilterLimits, parseAttributePath, parseFilter, parsePatchPath } from './parser.js';

const { comparison, present, logical, not, valuePath, patchPath } = filterNodes;
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const ENTERPRISE_USER = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';

/** 1-based column of the `occurrence`-th `fragment` in `source`, found independently of the parser. */
function columnOf(source: string, fragment: string, occurrence = 1): number {
  let index = -1;
  for (let seen = 0; seen < occurrence; seen += 1) {
    index = source.indexOf(fragment, index + 1);
    if (index === -1) throw new Error(`"${fragment}" occurs fewer than ${occurrence} times in ${source}`);
  }
  return index + 1;
}

function pathAt(source: string, fragment: string, occurrence = 1) {
  const position = columnOf(source, fragment, occurrence);
  return (name: string, options: { schema?: string; subAttribute?: string } = {}): AttributePathNode =>
    filterNodes.attributePath(name, { ...options, position });
}

function errorOf(run: () => unknown): ScimError {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return error;
    throw error;
  }
  throw new Error('expected a ScimError');
}

describe('parseFilter: RFC 7644 §3.4.2.2 example filters', () => {
  const vectors: readonly { readonly source: string; readonly expected: (source: string) => FilterNode }[] = [
    { source: 'userName eq "bjensen"', expected: (s) => comparison(pathAt(s, 'userName')('userName'), 'eq', 'bjensen') },
    {
      source: `name.familyName co "O'Malley"`,
      expected: (s) => comparison(pathAt(s, 'name')('name', { subAttribute: 'familyName' }), 'co', "O'Malley"),
    },
    { source: 'userName sw "J"', expected: (s) => comparison(pathAt(s, 'userName')('userName'), 'sw', 'J') },
    {
      source: `${CORE_USER}:userName sw "J"`,
      expected: (s) => comparison(pathAt(s, 'urn')('userName', { schema: CORE_USER }), 'sw', 'J'),
    },
    { source: 'title pr', expected: (s) => present(pathAt(s, 'title')('title')) },
    ...(['gt', 'ge', 'lt', 'le'] as const).map((operator) => ({
      source: `meta.lastModified ${operator} "2011-05-13T04:42:34Z"`,
      expected: (s: string) => comparison(pathAt(s, 'meta')('meta', { subAttribute: 'lastModified' }), operator, '2011-05-13T04:42:34Z'),
    })),
    {
      source: 'title pr and userType eq "Employee"',
      expected: (s) => logical('and', present(pathAt(s, 'title')('title')), comparison(pathAt(s, 'userType')('userType'), 'eq', 'Employee')),
    },
    {
      source: 'title pr or userType eq "Intern"',
      expected: (s) => logical('or', present(pathAt(s, 'title')('title')), comparison(pathAt(s, 'userType')('userType'), 'eq', 'Intern')),
    },
    {
      source: `schemas eq "${ENTERPRISE_USER}"`,
      expected: (s) => comparison(pathAt(s, 'schemas')('schemas'), 'eq', ENTERPRISE_USER),
    },
    {
      source: 'userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")',
      expected: (s) =>
        logical(
          'and',
          comparison(pathAt(s, 'userType')('userType'), 'eq', 'Employee'),
          logical(
            'or',
            comparison(pathAt(s, 'emails co')('emails'), 'co', 'example.com'),
            comparison(pathAt(s, 'emails.value')('emails', { subAttribute: 'value' }), 'co', 'example.org'),
          ),
        ),
    },
    {
      source: 'userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")',
      expected: (s) =>
        logical(
          'and',
          comparison(pathAt(s, 'userType')('userType'), 'ne', 'Employee'),
          not(
            logical(
              'or',
              comparison(pathAt(s, 'emails co')('emails'), 'co', 'example.com'),
              comparison(pathAt(s, 'emails.value')('emails', { subAttribute: 'value' }), 'co', 'example.org'),
            ),
          ),
        ),
    },
    {
      source: 'userType eq "Employee" and (emails.type eq "work")',
      expected: (s) =>
        logical(
          'and',
          comparison(pathAt(s, 'userType')('userType'), 'eq', 'Employee'),
          comparison(pathAt(s, 'emails.type')('emails', { subAttribute: 'type' }), 'eq', 'work'),
        ),
    },
    {
      source: 'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
      expected: (s) =>
        logical(
          'and',
          comparison(pathAt(s, 'userType')('userType'), 'eq', 'Employee'),
          valuePath(
            pathAt(s, 'emails[')('emails'),
            logical('and', comparison(pathAt(s, 'type eq')('type'), 'eq', 'work'), comparison(pathAt(s, 'value co')('value'), 'co', '@example.com')),
          ),
        ),
    },
    {
      source: 'emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]',
      expected: (s) =>
        logical(
          'or',
          valuePath(
            pathAt(s, 'emails[')('emails'),
            logical('and', comparison(pathAt(s, 'type eq')('type'), 'eq', 'work'), comparison(pathAt(s, 'value co')('value'), 'co', '@example.com')),
          ),
          valuePath(
            pathAt(s, 'ims[')('ims'),
            logical(
              'and',
              comparison(pathAt(s, 'type eq', 2)('type'), 'eq', 'xmpp'),
              comparison(pathAt(s, 'value co', 2)('value'), 'co', '@foo.com'),
            ),
          ),
        ),
    },
  ];

  it('covers the whole list of §3.4.2.2 examples', () => {
    expect(vectors).toHaveLength(17);
  });

  for (const vector of vectors) {
    it(`§3.4.2.2: ${vector.source}`, () => {
      expect(parseFilter(vector.source)).toEqual(vector.expected(vector.source));
    });
  }

  it('returns frozen nodes', () => {
    const node = parseFilter('userType eq "Employee" and emails[type eq "work"]');
    expect(Object.isFrozen(node)).toBe(true);
    if (node.kind !== 'Logical') throw new Error('expected a Logical node');
    expect(Object.isFrozen(node.right)).toBe(true);
  });
});

describe('parsePatchPath: RFC 7644 §3.5.2 PATCH paths', () => {
  it('§3.5.2.2: members[value eq "2819c223-7f76-453a-919d-413861904646"]', () => {
    expect(parsePatchPath('members[value eq "2819c223-7f76-453a-919d-413861904646"]')).toEqual(
      patchPath(
        filterNodes.attributePath('members', { position: 1 }),
        comparison(filterNodes.attributePath('value', { position: 9 }), 'eq', '2819c223-7f76-453a-919d-413861904646'),
      ),
    );
  });

  it('§3.5.2: emails[type eq "work"].value', () => {
    expect(parsePatchPath('emails[type eq "work"].value')).toEqual(
      patchPath(filterNodes.attributePath('emails', { position: 1 }), comparison(filterNodes.attributePath('type', { position: 8 }), 'eq', 'work'), 'value'),
    );
  });

  it('§3.5.2.3: addresses[type eq "work"].streetAddress', () => {
    expect(parsePatchPath('addresses[type eq "work"].streetAddress')).toEqual(
      patchPath(
        filterNodes.attributePath('addresses', { position: 1 }),
        comparison(filterNodes.attributePath('type', { position: 11 }), 'eq', 'work'),
        'streetAddress',
      ),
    );
  });

  it('§3.5.2: name.familyName', () => {
    expect(parsePatchPath('name.familyName')).toEqual(patchPath(filterNodes.attributePath('name', { subAttribute: 'familyName', position: 1 })));
  });

  it('§3.5.2.3: addresses[type eq "work"]', () => {
    expect(parsePatchPath('addresses[type eq "work"]')).toEqual(
      patchPath(filterNodes.attributePath('addresses', { position: 1 }), comparison(filterNodes.attributePath('type', { position: 11 }), 'eq', 'work')),
    );
  });

  it('§3.5.2.2: emails[type eq "work" and value ew "example.com"]', () => {
    expect(parsePatchPath('emails[type eq "work" and value ew "example.com"]')).toEqual(
      patchPath(
        filterNodes.attributePath('emails', { position: 1 }),
        logical(
          'and',
          comparison(filterNodes.attributePath('type', { position: 8 }), 'eq', 'work'),
          comparison(filterNodes.attributePath('value', { position: 27 }), 'ew', 'example.com'),
        ),
      ),
    );
  });

  it(`§3.5.2: ${ENTERPRISE_USER}:manager`, () => {
    expect(parsePatchPath(`${ENTERPRISE_USER}:manager`)).toEqual(
      patchPath(filterNodes.attributePath('manager', { schema: ENTERPRISE_USER, position: 1 })),
    );
  });

  it(`§3.5.2: ${ENTERPRISE_USER}:manager.value`, () => {
    expect(parsePatchPath(`${ENTERPRISE_USER}:manager.value`)).toEqual(
      patchPath(filterNodes.attributePath('manager', { schema: ENTERPRISE_USER, subAttribute: 'value', position: 1 })),
    );
  });

  it('accepts members.$ref and a value filter on members with a sub-attribute after it', () => {
    expect(parsePatchPath('members.$ref')).toEqual(patchPath(filterNodes.attributePath('members', { subAttribute: '$ref', position: 1 })));
    expect(parsePatchPath('members[type eq "User"].$ref').subAttribute).toBe('$ref');
  });

  const malformedPaths: readonly (readonly [string, string])[] = [
    ['', 'Expected an attribute path, found end of path at column 1'],
    ['emails[type eq "work"', 'Expected "and", "or" or "]" to close the "[" at column 7, found end of path at column 22'],
    ['emails[type eq "work"].', 'Expected a sub-attribute name after ".", found end of path at column 24'],
    ['emails[type eq "work"].value.display', 'Expected end of path after the sub-attribute, found "." at column 29'],
    ['emails[type eq "work"]value', 'Expected end of path, found "value" at column 23'],
    ['emails[type foo "work"]', 'Expected a comparison operator (eq, ne, co, sw, ew, gt, lt, ge, le) or "pr", found "foo" at column 13'],
    ['title pr', 'Expected end of path, found "pr" at column 7'],
    ['emails[type eq "work"][value pr]', 'Expected end of path, found "[" at column 23'],
  ];
  for (const [source, message] of malformedPaths) {
    it(`rejects ${JSON.stringify(source)} with invalidPath`, () => {
      const error = errorOf(() => parsePatchPath(source));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidPath');
      expect(error.detail).toBe(message);
    });
  }
});

describe('parseAttributePath (sortBy, attributes)', () => {
  it('parses plain, sub-attribute and URN-qualified paths, ignoring surrounding whitespace', () => {
    expect(parseAttributePath('userName')).toEqual(filterNodes.attributePath('userName', { position: 1 }));
    expect(parseAttributePath('  name.givenName ')).toEqual(filterNodes.attributePath('name', { subAttribute: 'givenName', position: 3 }));
    expect(parseAttributePath(`${ENTERPRISE_USER}:manager.displayName`)).toEqual(
      filterNodes.attributePath('manager', { schema: ENTERPRISE_USER, subAttribute: 'displayName', position: 1 }),
    );
  });

  it('rejects anything but one path with invalidPath', () => {
    for (const [source, message] of [
      ['userName eq "x"', 'Expected end of attribute path, found "eq" at column 10'],
      ['emails[type eq "work"]', 'Expected end of attribute path, found "[" at column 7'],
      ['', 'Expected an attribute path, found end of attribute path at column 1'],
      ['name..givenName', 'Expected an attribute name (a letter first) at column 6, found "."'],
    ] as const) {
      const error = errorOf(() => parseAttributePath(source));
      expect(error.scimType).toBe('invalidPath');
      expect(error.detail).toBe(message);
    }
  });
});

describe('parseFilter: precedence and associativity', () => {
  const a = (position: number) => present(filterNodes.attributePath('a', { position }));
  const b = (position: number) => present(filterNodes.attributePath('b', { position }));
  const c = (position: number) => present(filterNodes.attributePath('c', { position }));

  it('binds "and" tighter than "or" on either side', () => {
    expect(parseFilter('a pr or b pr and c pr')).toEqual(logical('or', a(1), logical('and', b(9), c(18))));
    expect(parseFilter('a pr and b pr or c pr')).toEqual(logical('or', logical('and', a(1), b(10)), c(18)));
  });

  it('associates "and" and "or" to the left', () => {
    expect(parseFilter('a pr and b pr and c pr')).toEqual(logical('and', logical('and', a(1), b(10)), c(19)));
    expect(parseFilter('a pr or b pr or c pr')).toEqual(logical('or', logical('or', a(1), b(9)), c(17)));
  });

  it('lets parentheses override precedence and leaves no node for them', () => {
    expect(parseFilter('(a pr or b pr) and c pr')).toEqual(logical('and', logical('or', a(2), b(10)), c(20)));
    expect(parseFilter('a pr and (b pr and c pr)')).toEqual(logical('and', a(1), logical('and', b(11), c(20))));
    expect(parseFilter('((((a pr))))')).toEqual(a(5));
  });

  it('binds "not" tighter than "and"', () => {
    expect(parseFilter('not (a pr) and b pr')).toEqual(logical('and', not(a(6)), b(16)));
    expect(parseFilter('b pr or not (a pr)')).toEqual(logical('or', b(1), not(a(14))));
    expect(parseFilter('not (not (a pr))')).toEqual(not(not(a(11))));
  });

  it('allows "not(" without a space and grouping inside value filters', () => {
    expect(parseFilter('not(a pr)')).toEqual(not(a(5)));
    expect(parseFilter('emails[not (type eq "work") and (value pr or display pr)]')).toEqual(
      valuePath(
        filterNodes.attributePath('emails', { position: 1 }),
        logical(
          'and',
          not(comparison(filterNodes.attributePath('type', { position: 13 }), 'eq', 'work')),
          logical('or', present(filterNodes.attributePath('value', { position: 34 })), present(filterNodes.attributePath('display', { position: 46 }))),
        ),
      ),
    );
  });
});

describe('parseFilter: case-insensitivity and whitespace', () => {
  it('reads operators, logical keywords and literals in any case (§3.4.2.2)', () => {
    expect(parseFilter('userName EQ "x" AND active Eq TRUE OR NOT (title PR) oR x eQ Null')).toEqual(
      logical(
        'or',
        logical(
          'or',
          logical(
            'and',
            comparison(filterNodes.attributePath('userName', { position: 1 }), 'eq', 'x'),
            comparison(filterNodes.attributePath('active', { position: 21 }), 'eq', true),
          ),
          not(present(filterNodes.attributePath('title', { position: 44 }))),
        ),
        comparison(filterNodes.attributePath('x', { position: 57 }), 'eq', null),
      ),
    );
    expect(parseFilter('active eq FALSE')).toEqual(comparison(filterNodes.attributePath('active', { position: 1 }), 'eq', false));
  });

  it('keeps the spelling of attribute names and schema URNs', () => {
    expect(parseFilter('URN:IETF:params:scim:schemas:core:2.0:User:USERNAME pr')).toEqual(
      present(filterNodes.attributePath('USERNAME', { schema: 'URN:IETF:params:scim:schemas:core:2.0:User', position: 1 })),
    );
  });

  it('accepts runs of spaces, tabs and line breaks between tokens', () => {
    expect(parseFilter('  userName\t\teq \r\n "x"   and\ttitle  pr ')).toEqual(
      logical('and', comparison(filterNodes.attributePath('userName', { position: 3 }), 'eq', 'x'), present(filterNodes.attributePath('title', { position: 29 }))),
    );
  });

  it('treats a keyword-named attribute as an attribute where an attribute is expected', () => {
    expect(parseFilter('pr pr')).toEqual(present(filterNodes.attributePath('pr', { position: 1 })));
    expect(parseFilter('and eq "x"')).toEqual(comparison(filterNodes.attributePath('and', { position: 1 }), 'eq', 'x'));
    expect(parseFilter('not pr or NOT eq "x"')).toEqual(
      logical('or', present(filterNodes.attributePath('not', { position: 1 })), comparison(filterNodes.attributePath('NOT', { position: 11 }), 'eq', 'x')),
    );
    expect(parseFilter('not[value pr]')).toEqual(
      valuePath(filterNodes.attributePath('not', { position: 1 }), present(filterNodes.attributePath('value', { position: 5 }))),
    );
  });
});

describe('parseFilter: literals (RFC 7159 rules)', () => {
  const valueOf = (source: string) => {
    const node = parseFilter(`x eq ${source}`);
    if (node.kind !== 'Comparison') throw new Error('expected a Comparison');
    return node.value;
  };

  it('decodes every JSON string escape', () => {
    expect(valueOf(String.raw`"q\"b\\s\/f\bx\fy\nz\rw\tv\u00e9\uD83D\uDE00"`)).toBe('q"b\\s/f\bx\fy\nz\rw\tvé😀');
  });

  it('keeps non-ASCII text and lone surrogate escapes as written', () => {
    expect(valueOf('"Zoë 😀 名前"')).toBe('Zoë 😀 名前');
    expect(valueOf(String.raw`"\uD800"`)).toBe('\uD800');
  });

  it('reads integers, decimals, exponents and negative zero', () => {
    expect(valueOf('0')).toBe(0);
    expect(valueOf('42')).toBe(42);
    expect(valueOf('-17')).toBe(-17);
    expect(valueOf('3.25')).toBe(3.25);
    expect(valueOf('1e3')).toBe(1000);
    expect(valueOf('2.5E-2')).toBe(0.025);
    expect(valueOf('1e+2')).toBe(100);
    expect(Object.is(valueOf('-0'), -0)).toBe(true);
  });

  it('reads SQL and LIKE metacharacters inside strings as plain data', () => {
    expect(parseFilter(`userName eq "a' OR 1=1 --"`)).toEqual(comparison(filterNodes.attributePath('userName', { position: 1 }), 'eq', "a' OR 1=1 --"));
    expect(parseFilter(String.raw`userName co "%_\\"`)).toEqual(comparison(filterNodes.attributePath('userName', { position: 1 }), 'co', '%_\\'));
    expect(valueOf(`"'; DROP TABLE resources; --"`)).toBe("'; DROP TABLE resources; --");
    expect(valueOf('"a and b or not (c) [d] pr"')).toBe('a and b or not (c) [d] pr');
  });
});

describe('parseFilter: malformed filters are positioned invalidFilter errors', () => {
  const malformed: readonly (readonly [string, string])[] = [
    ['', 'Expected an attribute path, "not" or "(", found end of filter at column 1'],
    ['   ', 'Expected an attribute path, "not" or "(", found end of filter at column 4'],
    ['userName', 'Expected a comparison operator (eq, ne, co, sw, ew, gt, lt, ge, le) or "pr", found end of filter at column 9'],
    ['userName foo "x"', 'Expected a comparison operator (eq, ne, co, sw, ew, gt, lt, ge, le) or "pr", found "foo" at column 10'],
    ['userName eq', 'Expected a comparison value (a string, number, true, false or null), found end of filter at column 12'],
    [
      'userName eq bjensen',
      'Expected a comparison value (a string, number, true, false or null), found "bjensen" at column 13 (strings must be in double quotes)',
    ],
    ['userName eq "bjensen', 'Unterminated string at column 13'],
    [String.raw`userName eq "abc\"`, 'Unterminated string at column 13'],
    [String.raw`userName eq "bj\qx"`, String.raw`Invalid escape sequence "\q" in a string at column 16`],
    [String.raw`userName eq "\u12G4"`, String.raw`Invalid \u escape: expected four hexadecimal digits at column 14`],
    ['userName eq "a\tb"', String.raw`Unescaped control character "\t" in a string (write it as a JSON escape) at column 15`],
    ['age eq 01', 'Numbers must not have leading zeros at column 8'],
    ['age eq +1', 'Numbers must not start with "+" at column 8'],
    ['age eq .5', 'Expected a comparison value (a string, number, true, false or null), found "." at column 8'],
    ['age eq 1.', 'Expected a digit after the decimal point, found end of filter at column 10'],
    ['age eq 1e', 'Expected a digit in the exponent, found end of filter at column 10'],
    ['age eq -', 'Expected a digit after "-", found end of filter at column 9'],
    ['age eq 12abc', 'Unexpected character "a" after a number at column 10'],
    ['age eq 1e999', 'The number 1e999 is out of range at column 8'],
    ['title pr extra', 'Expected "and", "or" or end of filter, found "extra" at column 10'],
    ['userName eq true false', 'Expected "and", "or" or end of filter, found "false" at column 18'],
    ['userName pr eq "x"', 'Expected "and", "or" or end of filter, found "eq" at column 13'],
    ['title pr)', 'Unbalanced ")" at column 9: no "(" is open'],
    ['(title pr', 'Expected "and", "or" or ")" to close the "(" at column 1, found end of filter at column 10'],
    ['(a pr and (b pr)', 'Expected "and", "or" or ")" to close the "(" at column 1, found end of filter at column 17'],
    ['()', 'Expected an attribute path, "not" or "(", found ")" at column 2'],
    ['not title pr', 'Expected "(" after "not", found "title" at column 5'],
    ['title pr and not', 'Expected "(" after "not", found end of filter at column 17'],
    ['not ()', 'Expected an attribute path, "not" or "(", found ")" at column 6'],
    ['title pr and', 'Expected an attribute path, "not" or "(", found end of filter at column 13'],
    ['"bjensen" eq userName', 'Expected an attribute path, "not" or "(", found the string "bjensen" at column 1'],
    ['emails[type eq "work"', 'Expected "and", "or" or "]" to close the "[" at column 7, found end of filter at column 22'],
    ['emails[type eq "work"]]', 'Unbalanced "]" at column 23: no "[" is open'],
    ['emails[]', 'Expected a filter inside "[…]", found "]" at column 8'],
    ['emails[type[value pr]]', 'Value filters cannot be nested: "[" at column 12 is inside the value filter of "emails"'],
    ['emails[type eq "work" and ims[value pr]]', 'Value filters cannot be nested: "[" at column 30 is inside the value filter of "emails"'],
    ['emails.value[type pr]', 'The value filter at column 13 must follow a multi-valued attribute, not the sub-attribute "emails.value"'],
    ['emails[type eq "work"].value eq', 'Expected a comparison value (a string, number, true, false or null), found end of filter at column 32'],
    ['emails[type eq "work"] [', 'Expected "and", "or" or end of filter, found "[" at column 24'],
    ['name.familyName.x pr', 'Unexpected "." at column 16: an attribute path has at most one sub-attribute'],
    ['name. pr', 'Expected an attribute name after "." at column 6, found " "'],
    ['x:y pr', 'Unexpected ":" at column 2: a schema URN prefix must start with "urn:"'],
    [`${CORE_USER}: pr`, 'Expected an attribute name after ":" at column 44, found " "'],
    ['urn:userName pr', 'Expected a schema URN such as "urn:ietf:params:scim:schemas:core:2.0:User" before the attribute name at column 1'],
    ['urn:a::b pr', 'Empty segment in the schema URN at column 7'],
    ['urn:a$b:name pr', 'Unexpected character "$" in the schema URN at column 6'],
    ['user$name pr', 'Expected end of attribute path, found "$" at column 5'],
    ['$foo pr', 'Expected an attribute name (a letter first) at column 1, found "$"'],
    ['1abc eq "x"', 'Unexpected character "a" after a number at column 2'],
    ['userName == "x"', 'Unexpected character "=" at column 10'],
    ['userName eq "x" && title pr', 'Unexpected character "&" at column 17'],
    ['userName eq "x"; DROP TABLE users', 'Unexpected character ";" at column 16'],
    ['ünïcode pr', 'Unexpected character "ü" at column 1'],
    ['userName eq "x" or\u00a0title pr', 'Unexpected character U+00A0 at column 19'],
    ["userName eq 'x'", `Unexpected character "'" at column 13`],
  ];

  it('has at least 25 malformed vectors', () => {
    expect(malformed.length).toBeGreaterThanOrEqual(25);
  });

  for (const [source, message] of malformed) {
    it(`rejects ${JSON.stringify(source)}`, () => {
      const error = errorOf(() => parseFilter(source));
      expect(error.status).toBe(400);
      expect(error.scimType).toBe('invalidFilter');
      expect(error.detail).toBe(message);
    });
  }
});

describe('parseFilter: limits', () => {
  it('rejects a filter longer than maxLength before reading it', () => {
    const error = errorOf(() => parseFilter(`userName eq "${'a'.repeat(9000)}"`));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toBe('The filter is 9014 characters long; the maximum is 8192');
  });

  it('rejects more than maxTokens tokens at the first token over the budget', () => {
    const limits = { ...defaultFilterLimits, maxTokens: 7 };
    expect(parseFilter('a pr and b pr and c pr'.slice(0, 13), limits)).toEqual(
      logical('and', present(filterNodes.attributePath('a', { position: 1 })), present(filterNodes.attributePath('b', { position: 10 }))),
    );
    const error = errorOf(() => parseFilter('a pr and b pr and c pr', limits));
    expect(error.scimType).toBe('invalidFilter');
    expect(error.detail).toBe('The filter has more than the maximum of 7 tokens at column 21');
  });

  it('rejects nesting deeper than maxDepth, counting parentheses, "not" and brackets', () => {
    const limits = { ...defaultFilterLimits, maxDepth: 3 };
    expect(parseFilter('((not (a pr)))', limits)).toEqual(not(present(filterNodes.attributePath('a', { position: 8 }))));
    expect(errorOf(() => parseFilter('(((not (a pr))))', limits)).detail).toBe('The filter nests deeper than the maximum of 3 levels at column 8');
    expect(parseFilter('((emails[value pr]))', limits).kind).toBe('ValuePath');
    expect(errorOf(() => parseFilter('(((emails[value pr])))', limits)).detail).toBe(
      'The filter nests deeper than the maximum of 3 levels at column 10',
    );
  });

  it('stops a 100,000-deep nesting at the depth limit when the length limit allows it', () => {
    const deep = `${'('.repeat(100_000)}a pr${')'.repeat(100_000)}`;
    const error = errorOf(() => parseFilter(deep, { maxLength: 1_000_000, maxDepth: 32, maxTokens: 1_000_000 }));
    expect(error.detail).toBe('The filter nests deeper than the maximum of 32 levels at column 33');
  });

  it('parses a long flat chain of "and" without recursion', () => {
    const terms = Array.from({ length: 300 }, (_, index) => `a${index} pr`);
    let node = parseFilter(terms.join(' and '));
    let depth = 0;
    while (node.kind === 'Logical') {
      depth += 1;
      node = node.left;
    }
    expect(depth).toBe(299);
    expect(node).toEqual(present(filterNodes.attributePath('a0', { position: 1 })));
  });

  it('reports invalid limits as a programming error', () => {
    expect(() => parseFilter('a pr', { maxLength: 0, maxDepth: 1, maxTokens: 1 })).toThrow(TypeError);
    expect(() => parseFilter('a pr', { maxLength: 10, maxDepth: 1.5, maxTokens: 1 })).toThrow(TypeError);
  });
});

describe('parseFilter: a value path followed by a sub-attribute condition (Entra ID)', () => {
  it('reads emails[type eq "work"].value eq "x" as one same-element value path', () => {
    const source = 'emails[type eq "work"].value eq "user@contoso.com"';
    expect(parseFilter(source)).toEqual(
      valuePath(
        filterNodes.attributePath('emails', { position: 1 }),
        logical(
          'and',
          comparison(filterNodes.attributePath('type', { position: columnOf(source, 'type') }), 'eq', 'work'),
          comparison(filterNodes.attributePath('value', { position: columnOf(source, 'value') }), 'eq', 'user@contoso.com'),
        ),
      ),
    );
  });

  it('accepts pr after the sub-attribute and combines with other expressions', () => {
    const parsed = parseFilter('userName eq "a" or emails[type eq "work"].value pr');
    expect(parsed.kind).toBe('Logical');
    const right = (parsed as { right: FilterNode }).right;
    expect(right).toMatchObject({ kind: 'ValuePath', filter: { kind: 'Logical', operator: 'and', right: { kind: 'Present' } } });
  });

  it('still rejects a dangling "." or a missing condition with a positioned error', () => {
    expect(errorOf(() => parseFilter('emails[type eq "work"].')).detail).toMatch(/sub-attribute name .* at column 24/);
    expect(errorOf(() => parseFilter('emails[type eq "work"].value')).scimType).toBe('invalidFilter');
  });
});
