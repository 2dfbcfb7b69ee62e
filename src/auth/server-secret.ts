/**
 * The server secret that keys token and admin-key hashes (keyed-hash.ts).
 *
 * SCIMITAR_SECRET wins. Without it, an SQLite deployment gets a key
 * generated on first use into `<database file>.secret` (mode 0600) and
 * reused afterwards, so the one-command start needs no setup. PostgreSQL
 * and MySQL require SCIMITAR_SECRET: several instances share the database, and a key
 * file on one machine would make the tokens it hashed unusable on the others.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, type DatabaseConfig } from '../config/config.js';

/** The shortest secret accepted from a key file (the same floor as SCIMITAR_SECRET). */
const MIN_SECRET_LENGTH = 32;

export interface ServerSecret {
  readonly value: string;
  /** Where it came from, for the start banner and error messages. */
  readonly source: 'environment' | 'generated' | 'key file';
  /** The key file, when one is used. */
  readonly file: string | undefined;
}

export function secretFileFor(sqliteFilename: string): string {
  return `${sqliteFilename}.secret`;
}

export function loadServerSecret(configured: string | undefined, database: DatabaseConfig): ServerSecret {
  if (configured !== undefined) return { value: configured, source: 'environment', file: undefined };
  if (database.kind !== 'sqlite') {
    throw new ConfigError('SCIMITAR_SECRET', `is required with ${database.kind === 'postgres' ? 'PostgreSQL' : 'MySQL'}: every instance must hash tokens with the same key`);
  }
  return readOrCreateKeyFile(secretFileFor(database.filename));
}

function readOrCreateKeyFile(file: string): ServerSecret {
  const existing = readKeyFile(file);
  if (existing !== undefined) return { value: existing, source: 'key file', file };
  mkdirSync(path.dirname(file), { recursive: true });
  const generated = randomBytes(48).toString('base64url');
  // Written to a private temporary file, then linked into place: link() fails
  // if the key file appeared meanwhile (a server and a CLI starting together),
  // and nobody can ever read a half-written key.
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, `${generated}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(temporary, file);
    return { value: generated, source: 'generated', file };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = readKeyFile(file);
    if (winner === undefined) throw error;
    return { value: winner, source: 'key file', file };
  } finally {
    unlinkSync(temporary);
  }
}

function readKeyFile(file: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError('SCIMITAR_SECRET', `cannot read the key file ${file} (${(error as Error).message})`);
  }
  // Like ssh with a private key: a key others can read is not a secret any more.
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) {
    throw new ConfigError('SCIMITAR_SECRET', `the key file ${file} is readable by other users; run chmod 600 ${file}`);
  }
  const secret = text.trim();
  if (secret.length < MIN_SECRET_LENGTH) {
    throw new ConfigError('SCIMITAR_SECRET', `the key file ${file} holds fewer than ${MIN_SECRET_LENGTH} characters; restore it from a backup (tokens hashed with another key no longer work)`);
  }
  return secret;
}
