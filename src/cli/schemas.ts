/**
 * `scimitar schemas list|declare|remove|undeclared`: a tenant's own
 * extension schemas, through the same service as the admin API.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import type { UndeclaredExtensionPolicy } from '../core/resource/undeclared-extensions.js';
import { parseTenantId } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { UsageError } from './cli-errors.js';
import { formatTable, plural, print, printJson } from './output.js';

interface TenantOptions {
  readonly tenant: string;
  readonly json?: boolean;
}

function readDeclaration(file: string): unknown {
  const text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`${file === '-' ? 'standard input' : file} is not JSON: ${(error as Error).message}`);
  }
}

function parsePolicy(value: string): UndeclaredExtensionPolicy {
  if (value !== 'keep' && value !== 'reject') throw new UsageError(`expected "keep" or "reject", got "${value}"`);
  return value;
}

export function registerSchemaCommands(program: Command, { withCliContext }: CliContexts): void {
  const schemas = program
    .command('schemas')
    .description("A tenant's own extension schemas (custom attributes), and whether it keeps extensions it has not declared");

  schemas
    .command('list')
    .description("List the tenant's declared extension schemas and its policy for undeclared ones")
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .option('--json', 'print JSON for scripts')
    .action(async (options: TenantOptions) =>
      withCliContext(async ({ services }) => {
        const listed = await services.tenantSchemas.list(options.tenant);
        if (options.json) return printJson(listed);
        print(`Undeclared extensions: ${listed.undeclaredExtensions === 'keep' ? 'kept as sent (not filterable)' : 'rejected (400)'}`);
        print(
          formatTable(listed.declarations, [
            { header: 'SCHEMA', value: (declaration) => declaration.schemaId },
            { header: 'TYPE', value: (declaration) => declaration.resourceType },
            { header: 'ATTRIBUTES', value: (declaration) => declaration.attributes.map((attribute) => `${attribute.name}:${attribute.type}${attribute.multiValued ? '[]' : ''}`).join(', ') },
          ]),
        );
      }),
    );

  schemas
    .command('declare')
    .description('Declare (or declare again) an extension schema for the tenant from a JSON file: {"id", "resourceType", "attributes": [...]}')
    .argument('<file>', 'the declaration as JSON, or - for standard input')
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .option('--force', 'change it even though stored values use an attribute it removes or retypes (they are kept as they are)')
    .option('--json', 'print JSON for scripts')
    .action(async (file: string, options: TenantOptions & { force?: boolean }) =>
      withCliContext(async ({ services }) => {
        const report = await services.tenantSchemas.declare(options.tenant, readDeclaration(file), { force: options.force === true });
        if (options.json) return printJson(report);
        print(`Declared ${report.declaration.schemaId} for ${report.declaration.resourceType}s of tenant "${options.tenant}".`);
        print(`${plural(report.checked, 'stored resource')} already held values under it; ${report.nonConformingCount} of them the declaration does not fit (kept as stored).`);
        for (const misfit of report.nonConforming) print(`  ${misfit.id}: ${misfit.detail}`);
      }),
    );

  schemas
    .command('remove')
    .description('Remove a declared extension schema (refused while resources hold values under it, unless --force)')
    .argument('<schema>', 'the schema URN')
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .option('--force', 'remove it even though resources hold values under it (they are kept as an undeclared extension)')
    .action(async (schemaId: string, options: TenantOptions & { force?: boolean }) =>
      withCliContext(async ({ services }) => {
        await services.tenantSchemas.remove(options.tenant, schemaId, { force: options.force === true });
        print(`Removed ${schemaId} from tenant "${options.tenant}".`);
      }),
    );

  schemas
    .command('undeclared')
    .description('Keep (default) or reject extension namespaces the tenant has not declared')
    .argument('<policy>', 'keep or reject', parsePolicy)
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .action(async (policy: UndeclaredExtensionPolicy, options: TenantOptions) =>
      withCliContext(async ({ services }) => {
        await services.tenantSchemas.setUndeclaredExtensions(options.tenant, policy);
        print(`Tenant "${options.tenant}" now ${policy === 'keep' ? 'keeps' : 'rejects'} extensions it has not declared.`);
      }),
    );
}
