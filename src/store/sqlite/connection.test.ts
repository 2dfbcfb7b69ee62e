import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openReaderDatabase, openWriterDatabase, SqliteConnection } from './connection.js';

describe('SQLite connections', () => {
  let directory: string;
  let filename: string;
  let connection: SqliteConnection;

  beforeEach(() => {
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'scimitar-'));
    filename = path.join(directory, 'connection.db');
    connection = new SqliteConnection(openWriterDatabase(filename), 2);
  });

  afterEach(() => {
    connection.close();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  it('opens the writer in WAL mode with FULL synchronous writes (an acknowledged commit survives a power cut) and foreign keys on', () => {
    const { db } = connection;
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // PRAGMA synchronous answers 2 for FULL.
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBeGreaterThan(0);
  });

  it('opens the writer with NORMAL synchronous writes when asked (SCIMITAR_SQLITE_SYNCHRONOUS=normal), and refuses any other setting', () => {
    const relaxed = openWriterDatabase(path.join(directory, 'relaxed.db'), 'normal');
    try {
      expect(relaxed.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(relaxed.pragma('synchronous', { simple: true })).toBe(1);
    } finally {
      relaxed.close();
    }
    expect(() => openWriterDatabase(path.join(directory, 'off.db'), 'off' as 'full')).toThrow(TypeError);
  });

  it('folds case like JavaScript, including non-ASCII text, in the scim_lower function of both connections', () => {
    const reader = openReaderDatabase(filename);
    try {
      for (const db of [connection.db, reader]) {
        expect(db.prepare('SELECT scim_lower(?) AS folded').get('ÉMILE Zoë İ ΣΑΣ')).toEqual({ folded: 'ÉMILE Zoë İ ΣΑΣ'.toLowerCase() });
        expect(db.prepare('SELECT scim_lower(?) AS folded').get(42)).toEqual({ folded: 42 });
        expect(db.prepare('SELECT scim_lower(NULL) AS folded').get()).toEqual({ folded: null });
      }
    } finally {
      reader.close();
    }
  });

  it('opens the reader read-only', () => {
    connection.db.exec('CREATE TABLE probe (value TEXT)');
    const reader = openReaderDatabase(filename);
    try {
      expect(() => reader.exec("INSERT INTO probe VALUES ('x')")).toThrow(/readonly/);
    } finally {
      reader.close();
    }
  });

  it('keeps fixed statements, and at most the configured number of list statements, least recently used out first', () => {
    const fixed = connection.statement('SELECT 1');
    expect(connection.statement('SELECT 1')).toBe(fixed);
    const first = connection.listingStatement('SELECT 1 AS a');
    const second = connection.listingStatement('SELECT 2 AS a');
    expect(connection.listingStatement('SELECT 1 AS a')).toBe(first);
    connection.listingStatement('SELECT 3 AS a');
    expect(connection.cachedListingStatements).toBe(2);
    // "SELECT 2" was the least recently used: it was evicted and is prepared anew.
    expect(connection.listingStatement('SELECT 2 AS a')).not.toBe(second);
    expect(connection.listingStatement('SELECT 2 AS a').get()).toEqual({ a: 2 });
  });
});
