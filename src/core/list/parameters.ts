import { scimErrors } from '../errors/scim-error.js';

/**
 * The members of `source` whose names are in `names`, matched
 * case-insensitively: RFC 7644 spells the parameters in camelCase, but
 * clients send `startindex`, `Count` or `excludedattributes`. The result is
 * keyed by the canonical spelling. One parameter given under two spellings
 * is a repetition and is refused. Other members are ignored.
 */
export function pickParameters(
  source: Readonly<Record<string, unknown>>,
  names: readonly string[],
  where: string,
): ReadonlyMap<string, unknown> {
  const canonicalByLower = new Map(names.map((name) => [name.toLowerCase(), name]));
  const picked = new Map<string, unknown>();
  for (const [key, value] of Object.entries(source)) {
    const name = canonicalByLower.get(key.toLowerCase());
    if (name === undefined || value === undefined) continue;
    if (picked.has(name)) throw scimErrors.invalidValue(`${name} is given more than once ${where}`);
    picked.set(name, value);
  }
  return picked;
}

/** Quotes a client value for an error detail, shortened so a huge value cannot bloat the response. */
export function quoteValue(value: unknown): string {
  const text = typeof value === 'string' ? value : String(value);
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}
