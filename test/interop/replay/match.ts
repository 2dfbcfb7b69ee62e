/**
 * Partial matching of a response against what a fixture expects: objects
 * are checked for the listed members only (identity providers read a few
 * fields and ignore the rest), arrays element by element, scalars exactly.
 * An object whose only key starts with `$` is a matcher:
 *
 *   {"$absent": true}          the member is not there
 *   {"$type": "number"}        string, number, boolean, array or object
 *   {"$pattern": "^W/\"\\d+"}  a string matching the regular expression
 *   {"$length": 2}             an array of that length
 *   {"$contains": [ … ]}       an array with, for each listed item, an element matching it
 *   {"$excludes": [ … ]}       an array with no element matching any listed item
 *   {"$unordered": [ … ]}      an array of exactly these elements, in any order
 */

const MATCHERS = ['$absent', '$type', '$pattern', '$length', '$contains', '$excludes', '$unordered'] as const;
type MatcherName = (typeof MATCHERS)[number];

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function matcherOf(expected: unknown): [MatcherName, unknown] | undefined {
  if (!isObject(expected)) return undefined;
  const keys = Object.keys(expected);
  if (keys.length !== 1 || !keys[0]!.startsWith('$') || keys[0] === '$ref') return undefined;
  const name = keys[0] as MatcherName;
  if (!MATCHERS.includes(name)) throw new Error(`Unknown matcher ${keys[0]} (known: ${MATCHERS.join(', ')})`);
  return [name, expected[name]];
}

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? 'nothing' : text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function matches(actual: unknown, expected: unknown): boolean {
  return mismatches(actual, expected).length === 0;
}

function matchWith(name: MatcherName, argument: unknown, actual: unknown, at: string): string[] {
  switch (name) {
    case '$absent':
      return actual === undefined ? [] : [`${at}: expected to be absent, got ${show(actual)}`];
    case '$type':
      return typeName(actual) === argument ? [] : [`${at}: expected a ${String(argument)}, got ${show(actual)}`];
    case '$pattern':
      return typeof actual === 'string' && new RegExp(String(argument)).test(actual) ? [] : [`${at}: expected to match /${String(argument)}/, got ${show(actual)}`];
    case '$length':
      return Array.isArray(actual) && actual.length === argument ? [] : [`${at}: expected an array of ${String(argument)}, got ${show(actual)}`];
    case '$contains':
    case '$excludes':
    case '$unordered': {
      if (!Array.isArray(actual)) return [`${at}: expected an array, got ${show(actual)}`];
      const wanted = argument as unknown[];
      if (name === '$contains') {
        return wanted.filter((item) => !actual.some((element) => matches(element, item))).map((item) => `${at}: no element matches ${show(item)} in ${show(actual)}`);
      }
      if (name === '$excludes') {
        return wanted.filter((item) => actual.some((element) => matches(element, item))).map((item) => `${at}: an element matches excluded ${show(item)} in ${show(actual)}`);
      }
      if (actual.length !== wanted.length) return [`${at}: expected ${wanted.length} elements in any order, got ${show(actual)}`];
      const unused = [...actual];
      for (const item of wanted) {
        const index = unused.findIndex((element) => matches(element, item));
        if (index === -1) return [`${at}: no remaining element matches ${show(item)} in ${show(actual)}`];
        unused.splice(index, 1);
      }
      return [];
    }
  }
}

/** Every way `actual` differs from what `expected` asks for; empty when it matches. */
export function mismatches(actual: unknown, expected: unknown, at = '$'): string[] {
  const matcher = matcherOf(expected);
  if (matcher) return matchWith(matcher[0], matcher[1], actual, at);
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual)) return [`${at}: expected an array, got ${show(actual)}`];
    if (actual.length !== expected.length) return [`${at}: expected ${expected.length} elements, got ${show(actual)}`];
    return expected.flatMap((item, index) => mismatches(actual[index], item, `${at}[${index}]`));
  }
  if (isObject(expected)) {
    if (!isObject(actual)) return [`${at}: expected an object, got ${show(actual)}`];
    return Object.entries(expected).flatMap(([key, member]) => mismatches(actual[key], member, `${at}.${key}`));
  }
  return Object.is(actual, expected) ? [] : [`${at}: expected ${show(expected)}, got ${show(actual)}`];
}
