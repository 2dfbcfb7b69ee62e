import type { ScimError } from '../../core/errors/scim-error.js';
import type { ResourceSchemas } from '../../core/schema/registry.js';
import type { SqlDialect } from './dialect.js';
import type { ResourceTableMap } from './tables.js';

/** What one compilation (a filter, a sort) works against. */
export interface CompileContext {
  readonly dialect: SqlDialect;
  readonly schemas: ResourceSchemas;
  readonly table: ResourceTableMap;
  /** Bound in subqueries over side tables, so they are index lookups rather than correlated scans. */
  readonly tenantId: string;
  /** The error for an attribute the database cannot handle here: invalidFilter for filters, invalidValue for sortBy. */
  readonly unsupported: (detail: string) => ScimError;
  /** A fresh alias for a nested scan (`t1`, `e2`, …), unique within the statement. */
  readonly nextAlias: (prefix: string) => string;
}

/** The alias of the resource row in every statement the compilers produce. */
export const ROW_ALIAS = 'r';

export function aliasCounter(): (prefix: string) => string {
  let count = 0;
  return (prefix: string) => {
    count += 1;
    return `${prefix}${count}`;
  };
}
