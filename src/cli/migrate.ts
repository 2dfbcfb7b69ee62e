import { describeDatabase, openStore } from '../app/open-store.js';
import { buildSchemaRegistry, type SchemaOptions } from '../app/schema-registry.js';
import { loadConfig } from '../config/config.js';

export interface MigrateOptions {
  readonly json?: boolean;
}

/** Applies pending schema migrations (opening the store applies them) and reports what it did. */
export async function migrateCommand(options: MigrateOptions, schemaOptions: SchemaOptions = {}): Promise<void> {
  const config = loadConfig();
  const store = await openStore(config.database, buildSchemaRegistry(schemaOptions));
  try {
    const { applied, version } = store.migrations;
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ database: describeDatabase(config.database), applied, version })}\n`);
    } else if (applied.length === 0) {
      process.stdout.write(`${describeDatabase(config.database)}: schema is up to date (version ${version}).\n`);
    } else {
      process.stdout.write(`${describeDatabase(config.database)}: applied migration${applied.length > 1 ? 's' : ''} ${applied.join(', ')}; schema is at version ${version}.\n`);
    }
  } finally {
    await store.close();
  }
}
