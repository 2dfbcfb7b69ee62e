/** What the PostgreSQL tenant, event and webhook stores still take from here; resource rows are src/store/sql/resource-rows.ts. */
export { canonicalTimestamp } from '../rows.js';

/**
 * PostgreSQL text cannot hold U+0000, and a parameter holding one fails the
 * statement (SQLSTATE 22021). No stored key can contain it either, so a
 * lookup by such a key is answered without asking the database.
 */
export function hasNul(...values: readonly string[]): boolean {
  return values.some((value) => value.includes('\u0000'));
}
