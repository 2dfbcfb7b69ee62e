/**
 * The names Scimitar owns in a database, and the table prefix that lets it
 * share one with an app (SCIMITAR_DB_TABLE_PREFIX): with `scim_`, the table
 * `users` is `scim_users`, its index `users_user_name` is
 * `scim_users_user_name`, and the app keeps `users` for itself.
 *
 * Why the prefix is applied when a statement is rendered, not written into
 * each statement: every statement of the store, and every migration, is
 * SQL text naming tables as they are (`FROM users`, `JOIN "groups"`). The
 * driver's dialect carries the prefix, and rendering rewrites each
 * identifier that is one of Scimitar's names. A statement's rendered text
 * is kept per shape and dialect (fragment.ts), so the rewrite runs once per
 * statement shape, never per call; the store's SQL reads as it runs; the
 * applied migrations keep their text; and there is no table reference to
 * forget, only this list. The test that keeps it honest runs the store
 * contract and HTTP suites with a prefix beside the app's own tables of the
 * same names (vitest projects `prefixed-*`), and checks that every object
 * a migrated database holds carries the prefix, on every database
 * (test/store-contract/table-prefix.test.ts).
 *
 * The rule the rewrite follows (and which store SQL must keep): an
 * identifier is Scimitar's when it is one of SCIMITAR_TABLES, or starts
 * with one of them followed by `_` (its indexes and constraints:
 * `users_user_name`, `tokens_tenant_id_fkey`). Identifiers after a `.`
 * (`u.user_name`), string literals, quoted text of other identifiers and
 * comments are left alone. So no column or result alias may be named like
 * a table (`AS users`): name it `user_count`.
 */

/**
 * Every table Scimitar creates, on every database. A migration that
 * creates a table adds its name here, in the same commit; the table-prefix
 * tests fail while one is missing.
 */
export const SCIMITAR_TABLES: readonly string[] = Object.freeze([
  'schema_migrations',
  'tenants',
  'tokens',
  'users',
  'user_emails',
  'groups',
  'group_members',
  'admin_keys',
  'event_sequences',
  'events',
  'webhooks',
  'webhook_deliveries',
  'webhook_attempts',
  'resource_counts',
  'request_log',
  'resources',
  'tenant_schema_extensions',
  'tenant_schema_settings',
  'tenant_schema_changes',
  'role_mappings',
  'role_settings',
  'user_roles',
  'deletion_settings',
  'deleted_users',
  'app_user_links',
  'setup_links',
  'oauth_clients',
  'oauth_client_secrets',
]);

const TABLES = new Set(SCIMITAR_TABLES);

/**
 * The longest prefix accepted. Scimitar's longest name is the check
 * PostgreSQL derives for `tenant_schema_settings.undeclared_extensions`
 * (`tenant_schema_settings_undeclared_extensions_check`, 51 characters):
 * with 12 more it stays within PostgreSQL's 63 (MySQL allows 64), so
 * PostgreSQL never shortens a name it derives from a table's. The
 * table-prefix tests migrate under the longest prefix to hold this; a new
 * longer name lowers it.
 */
export const MAX_TABLE_PREFIX_LENGTH = 12;

/** Lower case, so PostgreSQL (which folds unquoted names) and MySQL on any file system agree. */
const PREFIX_PATTERN = /^[a-z][a-z0-9_]*$/;

/** Why `prefix` cannot be a table prefix, or undefined when it can ('' is no prefix). */
export function tablePrefixProblem(prefix: string): string | undefined {
  if (prefix === '') return undefined;
  if (!PREFIX_PATTERN.test(prefix)) return `must be lower-case letters, digits and _, starting with a letter (e.g. scim_), got ${JSON.stringify(prefix)}`;
  if (prefix.length > MAX_TABLE_PREFIX_LENGTH) {
    return `must be at most ${MAX_TABLE_PREFIX_LENGTH} characters, so every derived name stays under the databases' identifier limits (PostgreSQL 63, MySQL 64), got ${prefix.length}`;
  }
  return undefined;
}

/** `prefix` when it is a valid table prefix; a TypeError (an embedding app's mistake) otherwise. */
export function checkedTablePrefix(prefix: string): string {
  const problem = typeof prefix === 'string' ? tablePrefixProblem(prefix) : 'must be a string';
  if (problem !== undefined) throw new TypeError(`Invalid table prefix: ${problem}`);
  return prefix;
}

/** Whether `identifier` is a name Scimitar owns: a table, or a name derived from one (`users_user_name`). */
export function isScimitarName(identifier: string): boolean {
  if (TABLES.has(identifier)) return true;
  for (let end = identifier.indexOf('_'); end > 0; end = identifier.indexOf('_', end + 1)) {
    if (TABLES.has(identifier.slice(0, end))) return true;
  }
  return false;
}

/** The name as the database holds it under `prefix`. */
export function prefixedName(name: string, prefix: string): string {
  return `${prefix}${name}`;
}

/**
 * The name Scimitar's code knows a database object by, from the name the
 * database reports (a constraint in an error): `scim_users_user_name` →
 * `users_user_name`; `scim_users.scim_users_user_name` (MySQL 8 names the
 * table too) → `users.users_user_name`.
 */
export function unprefixedName(name: string, prefix: string): string {
  if (prefix === '') return name;
  return name
    .split('.')
    .map((part) => (part.startsWith(prefix) && isScimitarName(part.slice(prefix.length)) ? part.slice(prefix.length) : part))
    .join('.');
}

const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_$]/;

/** The index after the quoted run that opens at `start` (a doubled quote inside is the quote itself). */
function endOfQuoted(text: string, start: number, quote: string): number {
  let index = start + 1;
  while (index < text.length) {
    if (text[index] === quote) {
      if (text[index + 1] === quote) index += 2;
      else return index + 1;
    } else index++;
  }
  return index;
}

/** Whether the last character before `index` that is not white space is a `.`: the identifier is qualified (`u.id`). */
function qualified(text: string, index: number): boolean {
  let before = index - 1;
  while (before >= 0 && /\s/.test(text[before]!)) before--;
  return before >= 0 && text[before] === '.';
}

/**
 * `text` with every Scimitar name (see isScimitarName) prefixed, bare or
 * quoted ("groups", `groups`). All three databases run with standard string
 * literals here (MySQL in ANSI_QUOTES and NO_BACKSLASH_ESCAPES mode), so
 * one scanner serves them: '…' is a string, "…" and `…` are identifiers,
 * -- and /* … *\/ are comments.
 */
export function prefixTableNames(text: string, prefix: string): string {
  if (prefix === '') return text;
  let out = '';
  let copiedTo = 0;
  let index = 0;
  while (index < text.length) {
    const character = text[index]!;
    if (character === "'") {
      index = endOfQuoted(text, index, "'");
    } else if (character === '-' && text[index + 1] === '-') {
      const lineEnd = text.indexOf('\n', index);
      index = lineEnd === -1 ? text.length : lineEnd;
    } else if (character === '/' && text[index + 1] === '*') {
      const commentEnd = text.indexOf('*/', index + 2);
      index = commentEnd === -1 ? text.length : commentEnd + 2;
    } else if (character === '"' || character === '`') {
      const end = endOfQuoted(text, index, character);
      const name = text.slice(index + 1, end - 1);
      if (isScimitarName(name) && !qualified(text, index)) {
        out += text.slice(copiedTo, index + 1) + prefix;
        copiedTo = index + 1;
      }
      index = end;
    } else if (IDENTIFIER_START.test(character) && (index === 0 || !IDENTIFIER_PART.test(text[index - 1]!))) {
      let end = index + 1;
      while (end < text.length && IDENTIFIER_PART.test(text[end]!)) end++;
      if (isScimitarName(text.slice(index, end)) && !qualified(text, index)) {
        out += text.slice(copiedTo, index) + prefix;
        copiedTo = index;
      }
      index = end;
    } else {
      index++;
    }
  }
  return out + text.slice(copiedTo);
}
