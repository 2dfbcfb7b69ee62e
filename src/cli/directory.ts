/**
 * `scimitar users list|show`, `scimitar groups list|show` (one command per
 * resource type, named by its collection): a tenant's directory read
 * through the same ResourceService and SCIM list parsing as the server, so
 * --filter takes exactly what GET /Users?filter= takes.
 */
import type { Command } from 'commander';
import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import { listResponse, parseListQuery, parseProjectionQuery } from '../core/list/index.js';
import type { ResourceTypeName } from '../core/schema/attribute.js';
import { BUILT_IN_RESOURCE_TYPES, type ResourceTypeFacts } from '../core/schema/resource-types.js';
import { tenantScimBaseUrl } from '../tenancy/tenant-urls.js';
import { parseCount, parsePositiveInteger, parseTenantId } from './arguments.js';
import type { CliContext, CliContexts } from './cli-context.js';
import { registerUserHistoryCommand } from './requests.js';
import { flattenResource, formatFields, formatTable, formatTimestamp, plural, print, printJson, type Column } from './output.js';

type Resource = Record<string, unknown>;

interface ListOptions {
  readonly tenant: string;
  readonly filter?: string;
  readonly sortBy?: string;
  readonly sortOrder?: string;
  readonly startIndex?: number;
  readonly count?: number;
  readonly json?: boolean;
}

function meta(resource: Resource, key: string): string | undefined {
  const value = (resource['meta'] as Record<string, unknown> | undefined)?.[key];
  return typeof value === 'string' ? value : undefined;
}

function primaryEmail(resource: Resource): unknown {
  const emails = resource['emails'];
  if (!Array.isArray(emails) || emails.length === 0) return undefined;
  const primary = (emails as Resource[]).find((email) => email['primary'] === true) ?? (emails[0] as Resource);
  return primary['value'];
}

/** How a type's list reads as a table, and an example filter for its --help; a type not listed here gets GENERIC_LISTING. */
interface Listing {
  readonly columns: readonly Column<Resource>[];
  readonly exampleFilter: string;
}

const GENERIC_LISTING: Listing = {
  columns: [
    { header: 'ID', value: (resource) => resource['id'] },
    { header: 'DISPLAY NAME', value: (resource) => resource['displayName'] },
    { header: 'EXTERNAL ID', value: (resource) => resource['externalId'] },
    { header: 'LAST MODIFIED', value: (resource) => formatTimestamp(meta(resource, 'lastModified')) },
  ],
  exampleFilter: 'externalId eq "42"',
};

const COLUMNS: Readonly<Partial<Record<ResourceTypeName, readonly Column<Resource>[]>>> = {
  User: [
    { header: 'ID', value: (user) => user['id'] },
    { header: 'USERNAME', value: (user) => user['userName'] },
    { header: 'DISPLAY NAME', value: (user) => user['displayName'] },
    { header: 'ACTIVE', value: (user) => user['active'] },
    { header: 'EMAIL', value: primaryEmail },
    { header: 'EXTERNAL ID', value: (user) => user['externalId'] },
    { header: 'LAST MODIFIED', value: (user) => formatTimestamp(meta(user, 'lastModified')) },
  ],
  Group: [
    { header: 'ID', value: (group) => group['id'] },
    { header: 'DISPLAY NAME', value: (group) => group['displayName'] },
    { header: 'MEMBERS', value: (group) => (Array.isArray(group['members']) ? group['members'].length : 0) },
    { header: 'EXTERNAL ID', value: (group) => group['externalId'] },
    { header: 'LAST MODIFIED', value: (group) => formatTimestamp(meta(group, 'lastModified')) },
  ],
};

const EXAMPLE_FILTERS: Readonly<Partial<Record<ResourceTypeName, string>>> = {
  User: 'userName sw "j" and active eq true',
  Group: 'displayName eq "Engineering"',
};

function listingOf(type: ResourceTypeName): Listing {
  return { columns: COLUMNS[type] ?? GENERIC_LISTING.columns, exampleFilter: EXAMPLE_FILTERS[type] ?? GENERIC_LISTING.exampleFilter };
}

/** Commands only some types have, by type. */
const EXTRA_COMMANDS: Readonly<Partial<Record<ResourceTypeName, (command: Command, contexts: CliContexts) => void>>> = {
  User: registerUserHistoryCommand,
};

async function requestContext(context: CliContext, tenantId: string) {
  // An unknown tenant is "not found", not an empty directory.
  await context.services.tenants.get(tenantId);
  return { tenantId, baseUrl: tenantScimBaseUrl(context.origin, tenantId) };
}

function registerResourceCommands(program: Command, facts: ResourceTypeFacts, { withCliContext }: CliContexts): Command {
  const type = facts.name;
  const typePlural = `${type}s`;
  const listing = listingOf(type);
  const group = program.command(facts.collection).description(`Read a tenant's ${typePlural} (read-only; identity providers write them over SCIM)`);

  group
    .command('list')
    .description(`List ${typePlural}, optionally filtered with a SCIM filter`)
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .option('-f, --filter <filter>', `a SCIM filter, e.g. ${listing.exampleFilter}`)
    .option('--sort-by <attribute>', 'attribute to sort by')
    .option('--sort-order <order>', 'ascending or descending')
    .option('--start-index <n>', '1-based index of the first result', parsePositiveInteger)
    .option('--count <n>', 'page size (default and maximum: the server settings)', parseCount)
    .option('--json', 'print the SCIM ListResponse as JSON')
    .action(async (options: ListOptions) =>
      withCliContext(async (context) => {
        const scimContext = await requestContext(context, options.tenant);
        const schemas = await context.services.resources.schemasFor(options.tenant, type);
        const listRequest = parseListQuery(
          { filter: options.filter, sortBy: options.sortBy, sortOrder: options.sortOrder, startIndex: options.startIndex, count: options.count },
          schemas,
          { defaultPageSize: context.config.defaultPageSize, maxPageSize: context.config.maxPageSize },
        );
        const page = await context.services.resources.list(scimContext, type, listRequest);
        if (options.json) return printJson(listResponse(page.resources, page.totalResults, listRequest.startIndex));
        if (page.resources.length > 0) print(formatTable(page.resources, listing.columns));
        const first = page.resources.length === 0 ? 0 : listRequest.startIndex;
        const last = page.resources.length === 0 ? 0 : listRequest.startIndex + page.resources.length - 1;
        const total = plural(page.totalResults, type.toLowerCase());
        print(`${page.resources.length > 0 ? '\n' : ''}${first}–${last} of ${total} in tenant "${options.tenant}"${options.filter ? ' matching the filter' : ''}.`);
      }),
    );

  group
    .command('show')
    .description(`Show one ${type} with all its attributes`)
    .argument('<id>', `the ${type}'s id`)
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .option('--json', 'print the SCIM resource as JSON')
    .action(async (id: string, options: { tenant: string; json?: boolean }) =>
      withCliContext(async (context) => {
        const scimContext = await requestContext(context, options.tenant);
        const projection = parseProjectionQuery({}, await context.services.resources.schemasFor(options.tenant, type));
        const response = await context.services.resources.get(scimContext, type, id, projection);
        if (options.json) return printJson(response.resource);
        print(formatFields(flattenResource(response.resource)));
      }),
    );
  return group;
}

/** The commands are registered before any configuration is read, so they cover the built-in types unless told others. */
export function registerDirectoryCommands(program: Command, contexts: CliContexts, types: readonly ResourceTypeFacts[] = BUILT_IN_RESOURCE_TYPES): void {
  for (const facts of types) {
    const command = registerResourceCommands(program, facts, contexts);
    EXTRA_COMMANDS[facts.name]?.(command, contexts);
  }
}
