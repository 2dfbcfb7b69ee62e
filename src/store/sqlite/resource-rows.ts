/** What the SQLite tenant, event and webhook stores still take from here; resource rows are src/store/sql/resource-rows.ts. */
export { canonicalTimestamp } from '../rows.js';
