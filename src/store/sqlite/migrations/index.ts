import { initialMigration } from './0001-initial.js';
import { adminKeysMigration } from './0002-admin-keys.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** The whole history, in version order. Append new steps; never edit an applied one. */
export const sqliteMigrations: readonly Migration[] = Object.freeze([initialMigration, adminKeysMigration]);
