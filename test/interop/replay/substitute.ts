/**
 * `${name}` placeholders in fixture paths, headers and bodies, filled from
 * values captured earlier in the same sequence (an id the server chose).
 */

export type Variables = ReadonlyMap<string, unknown>;

const PLACEHOLDER = /\$\{(\w+)\}/g;

function lookup(variables: Variables, name: string): unknown {
  if (!variables.has(name)) throw new Error(`\${${name}} is used before it is captured`);
  return variables.get(name);
}

/** Replaces every placeholder in a string; a string that is only one placeholder keeps the value's type. */
export function substituteText(text: string, variables: Variables): unknown {
  const whole = /^\$\{(\w+)\}$/.exec(text);
  if (whole) return lookup(variables, whole[1]!);
  return text.replace(PLACEHOLDER, (_match, name: string) => String(lookup(variables, name)));
}

/** Substitutes placeholders in every string of a JSON value, keys included. */
export function substitute(value: unknown, variables: Variables): unknown {
  if (typeof value === 'string') return substituteText(value, variables);
  if (Array.isArray(value)) return value.map((item) => substitute(item, variables));
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) result[String(substituteText(key, variables))] = substitute(member, variables);
    return result;
  }
  return value;
}

/** `$.Resources[0].id` → the value at that place in a parsed JSON body, or undefined. */
export function readJsonPath(root: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new Error(`JSON path ${path} must start with "$"`);
  const tokens = path.slice(1).match(/\.[^.[\]]+|\[\d+\]/g) ?? [];
  if (tokens.join('') !== path.slice(1)) throw new Error(`JSON path ${path} is not of the form $.a.b[0].c`);
  let current: unknown = root;
  for (const token of tokens) {
    if (current === null || typeof current !== 'object') return undefined;
    const key = token.startsWith('[') ? Number(token.slice(1, -1)) : token.slice(1);
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}
