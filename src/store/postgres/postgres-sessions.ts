/**
 * The PostgreSQL store's connections as SqlSessions, for the store logic
 * written once over them (tenants, events, request log): committed reads
 * through the pool, writes in the store's running transaction or in one of
 * their own (with the store's retry and commit check).
 */
import { DatabaseError } from 'pg';
import type { SqlDialect } from '../sql/dialect.js';
import { renderSql, type SqlFragment } from '../sql/fragment.js';
import type { SqlFailure, SqlRow, SqlSession, SqlSessions } from '../sql/session.js';
import { CREDENTIALS_NOTICE } from './credential-watch.js';
import type { Queryable } from './pool.js';
import { SQLSTATE } from './postgres-errors.js';

class PostgresSession implements SqlSession {
  constructor(
    readonly dialect: SqlDialect,
    private readonly queryable: () => Queryable,
  ) {}

  async all<Row = SqlRow>(statement: SqlFragment): Promise<Row[]> {
    const { text, parameters } = renderSql(statement, this.dialect);
    return (await this.queryable().query(text, parameters)).rows as Row[];
  }

  async first<Row = SqlRow>(statement: SqlFragment): Promise<Row | undefined> {
    return (await this.all<Row>(statement))[0];
  }

  async run(statement: SqlFragment): Promise<number> {
    const { text, parameters } = renderSql(statement, this.dialect);
    return (await this.queryable().query(text, parameters)).rowCount ?? 0;
  }
}

export interface PostgresSessionSource {
  readonly dialect: SqlDialect;
  /** The pool, for statements outside any transaction. */
  readonly pooled: Queryable;
  /** The connection of the store's transaction running in this async context, if any. */
  readonly transactionStatements: () => Queryable | undefined;
  /** Runs `work` in a transaction of the store's own (BEGIN … COMMIT, retried on deadlock). */
  readonly transaction: <T>(work: () => Promise<T>) => Promise<T>;
}

export function postgresSessions(source: PostgresSessionSource): SqlSessions {
  const committed = new PostgresSession(source.dialect, () => source.pooled);
  const running = new PostgresSession(source.dialect, () => {
    const statements = source.transactionStatements();
    if (statements === undefined) throw new TypeError('No transaction runs in this async context');
    return statements;
  });
  return {
    dialect: source.dialect,
    committed: () => committed,
    current: () => (source.transactionStatements() === undefined ? committed : running),
    write: <T>(work: (session: SqlSession) => Promise<T>): Promise<T> =>
      source.transactionStatements() === undefined ? source.transaction(() => work(running)) : work(running),
    failure: postgresFailure,
    afterCredentialChange: CREDENTIALS_NOTICE,
  };
}

function postgresFailure(error: unknown): SqlFailure {
  if (!(error instanceof DatabaseError)) return { kind: 'other' };
  if (error.code === SQLSTATE.uniqueViolation) return { kind: 'unique', constraint: error.constraint };
  if (error.code === SQLSTATE.foreignKeyViolation) return { kind: 'foreignKey', constraint: error.constraint };
  return { kind: 'other' };
}
