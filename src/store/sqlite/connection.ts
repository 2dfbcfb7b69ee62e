/**
 * One better-sqlite3 connection with its prepared statements. Statements
 * with fixed text (get by id, insert, member add/remove) are prepared once
 * and kept; list statements, whose text depends on the filter, go through a
 * bounded least-recently-used cache so a stream of distinct filters cannot
 * grow memory without limit.
 */
import Database from 'better-sqlite3';
import { SQLITE_CASE_FOLD_FUNCTION } from '../sql/dialects/sqlite.js';

export const DEFAULT_LIST_STATEMENT_CACHE_SIZE = 200;
const BUSY_TIMEOUT_MS = 5_000;

/**
 * How hard a commit waits for the disk (PRAGMA synchronous, in WAL mode):
 * - `full` (the default): the WAL is synced at every commit, so a write that
 *   was acknowledged survives a power cut or an operating-system crash;
 * - `normal`: the WAL is synced only at checkpoints. A crash of the process
 *   loses nothing, but a power cut or OS crash may lose the last commits
 *   (already acknowledged to clients and to webhooks) — faster writes for
 *   deployments that accept that.
 */
export type SqliteSynchronous = 'full' | 'normal';
export const DEFAULT_SQLITE_SYNCHRONOUS: SqliteSynchronous = 'full';

export class SqliteConnection {
  readonly db: Database.Database;
  private readonly fixed = new Map<string, Database.Statement>();
  private readonly listing = new Map<string, { readonly statement: Database.Statement; used: boolean }>();
  private readonly listingCapacity: number;

  constructor(db: Database.Database, listingCapacity = DEFAULT_LIST_STATEMENT_CACHE_SIZE) {
    this.db = db;
    this.listingCapacity = listingCapacity;
  }

  /** A statement whose text is a constant of this adapter. */
  statement(text: string): Database.Statement {
    let prepared = this.fixed.get(text);
    if (prepared === undefined) {
      prepared = this.db.prepare(text);
      this.fixed.set(text, prepared);
    }
    return prepared;
  }

  /**
   * A compiled statement, from the bounded cache. A hit only marks the
   * entry as used (it is on the path of every statement; moving it in the
   * Map's order would be two more Map operations each time); when the cache
   * is full, the oldest entry used since it was last passed over moves to
   * the back, and the oldest unused one is evicted (the "second chance"
   * approximation of least recently used).
   */
  listingStatement(text: string): Database.Statement {
    const cached = this.listing.get(text);
    if (cached !== undefined) {
      cached.used = true;
      return cached.statement;
    }
    const statement = this.db.prepare(text);
    if (this.listing.size >= this.listingCapacity) this.evictOne();
    this.listing.set(text, { statement, used: false });
    return statement;
  }

  private evictOne(): void {
    // Ends: every entry passed over loses its mark, so the second round finds one.
    for (const [text, entry] of this.listing) {
      this.listing.delete(text);
      if (!entry.used) return;
      entry.used = false;
      this.listing.set(text, entry);
    }
  }

  /** How many list statements are cached (for tests of the bound). */
  get cachedListingStatements(): number {
    return this.listing.size;
  }

  close(): void {
    this.fixed.clear();
    this.listing.clear();
    if (this.db.open) this.db.close();
  }
}

/** JavaScript's `toLowerCase()`, the case folding of the in-memory evaluator; other values pass through. */
function caseFold(value: unknown): unknown {
  return typeof value === 'string' ? value.toLowerCase() : value;
}

function configure(db: Database.Database): void {
  db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  db.pragma('foreign_keys = ON');
  db.function(SQLITE_CASE_FOLD_FUNCTION, { deterministic: true }, caseFold);
}

/** The writer: WAL so the reader sees committed data while a write is under way. */
export function openWriterDatabase(filename: string, synchronous: SqliteSynchronous = DEFAULT_SQLITE_SYNCHRONOUS): Database.Database {
  const db = new Database(filename);
  try {
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (typeof mode !== 'string' || mode.toLowerCase() !== 'wal') {
      throw new TypeError(`SQLite could not switch ${filename} to WAL mode (got ${String(mode)})`);
    }
    if (synchronous !== 'full' && synchronous !== 'normal') throw new TypeError(`Invalid SQLite synchronous setting: ${String(synchronous)} (use full or normal)`);
    db.pragma(`synchronous = ${synchronous === 'full' ? 'FULL' : 'NORMAL'}`);
    configure(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The reader: read-only, so no statement through it can ever write. */
export function openReaderDatabase(filename: string): Database.Database {
  const db = new Database(filename, { readonly: true, fileMustExist: true });
  try {
    configure(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
