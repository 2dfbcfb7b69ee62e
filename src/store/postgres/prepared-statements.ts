/**
 * Names for PostgreSQL's named prepared statements. A statement sent with
 * a name is parsed and analysed once per connection and then only bound and
 * executed: for the short statements of SCIM traffic, parsing and planning
 * were most of the database's CPU per request (docs/benchmarks.md, "Named
 * prepared statements").
 *
 * Only statements of a kept shape get a name (src/store/sql/fragment.ts):
 * their texts form a small set the server sends again and again. At most
 * `limit` texts are named per store, since every connection keeps what it
 * prepared for as long as it lives; texts beyond that run unnamed, as all
 * did before.
 *
 * A prepared statement whose tables change under it so that its result
 * columns change (another instance's migration adds a column during a
 * rolling upgrade) fails with "cached plan must not change result type".
 * `forget` then starts a new generation of names: every connection parses
 * each statement afresh under its new name, and the one that failed is
 * simply run again.
 */
import { hasKeptShape, type SqlFragment } from '../sql/fragment.js';

/** Enough for every statement the server composes (a few hundred) with room for filter and IN-list shapes. */
export const DEFAULT_NAMED_STATEMENTS = 1000;

export class PreparedStatementNames {
  private readonly names = new Map<string, string>();
  private generation = 0;

  constructor(private readonly limit = DEFAULT_NAMED_STATEMENTS) {}

  /** The name to send `text` under, or undefined to send it unnamed. */
  nameOf(statement: SqlFragment, text: string): string | undefined {
    let name = this.names.get(text);
    if (name !== undefined) return name;
    if (this.names.size >= this.limit || !hasKeptShape(statement)) return undefined;
    // Unique per text within this store: node-postgres refuses one name for two texts on a connection.
    name = `scimitar_${this.generation}_${this.names.size}`;
    this.names.set(text, name);
    return name;
  }

  /** Drops every name: the statements are prepared again, under new names, on every connection. */
  forget(): void {
    this.names.clear();
    this.generation += 1;
  }

  get size(): number {
    return this.names.size;
  }
}
