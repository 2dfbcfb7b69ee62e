/**
 * `scimitar backup <file>`: a consistent copy of a live SQLite database,
 * taken while the server runs. VACUUM INTO reads the whole database inside
 * one read transaction (WAL lets writers go on meanwhile), so the copy is
 * the database at one instant and the command always finishes; SQLite's
 * page-by-page online backup instead starts over whenever another
 * connection writes, which on a busy server may be forever.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Command } from 'commander';
import { loadConfig } from '../config/config.js';
import { CommandFailed, UsageError } from './cli-errors.js';
import { print } from './output.js';

export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('Copy the live SQLite database to <file> (consistent, while the server runs); PostgreSQL: use pg_dump, MySQL: mysqldump')
    .argument('<file>', 'where to write the copy (must not exist yet)')
    .action(async (file: string) => {
      const config = loadConfig();
      if (config.database.kind !== 'sqlite') {
        throw new UsageError('backup copies an SQLite database; for PostgreSQL use pg_dump, for MySQL/MariaDB mysqldump --single-transaction, or your provider\'s snapshots (see docs/operations.md)');
      }
      const target = path.resolve(file);
      if (existsSync(target)) throw new UsageError(`${target} exists; give a new file name`);
      if (!existsSync(config.database.filename)) throw new CommandFailed(`No database at ${config.database.filename}`);
      const started = performance.now();
      const source = new Database(config.database.filename, { readonly: true, fileMustExist: true });
      try {
        source.pragma('busy_timeout = 5000');
        source.prepare('VACUUM INTO ?').run(target);
      } finally {
        source.close();
      }
      const seconds = Math.round((performance.now() - started) / 10) / 100;
      print(`Copied ${config.database.filename} to ${target} in ${seconds} s.`);
      if (config.secret === undefined) {
        print(`Keep ${config.database.filename}.secret with it: it keys the token hashes (without it, every token must be created again).`);
      }
    });
}
