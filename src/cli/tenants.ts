/** `scimitar tenants create|list|show|delete`. */
import type { Command } from 'commander';
import { createdTenantView, tenantDetailsView, tenantView } from '../admin/views.js';
import { parseTenantId } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { CommandFailed, UsageError } from './cli-errors.js';
import { confirmByTyping, isInteractive } from './confirm.js';
import { formatFields, formatTable, formatTimestamp, plural, print, printJson, printNote } from './output.js';
import { tokenColumns } from './tokens.js';

interface JsonOption {
  readonly json?: boolean;
}

export function registerTenantCommands(program: Command, { withCliContext }: CliContexts): void {
  const tenants = program
    .command('tenants')
    .description('Manage tenants: one customer directory each, with its own users, groups, tokens and SCIM URL');

  tenants
    .command('create')
    .description("Create a tenant and its first bearer token; prints what to paste into the customer's identity provider")
    .argument('<tenant>', 'tenant id: lowercase letters, digits and dashes (it appears in the SCIM URL)', parseTenantId)
    .option('-n, --name <name>', 'display name (default: the tenant id)')
    .option('--token-name <name>', 'name of the first token', 'initial token')
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, options: JsonOption & { name?: string; tokenName: string }) =>
      withCliContext(async ({ services, origin, originGuess }) => {
        const created = await services.tenants.create(tenantId, { name: options.name, tokenName: options.tokenName });
        const view = createdTenantView(created, origin);
        if (options.json) {
          if (originGuess !== undefined) printNote(`scimBaseUrl is ${originGuess}`);
          return printJson(view);
        }
        print(`Tenant "${view.tenant}" (${view.name}) created.`);
        print();
        print("Configure the customer's identity provider with:");
        print();
        print(formatFields([
          ['  SCIM base URL', withGuess(view.scimBaseUrl, originGuess)],
          ['  Bearer token', view.token],
        ]));
        print();
        print('The token is shown only now: only its keyed hash is stored.');
        print(`  Okta:     SCIM connector base URL = the URL above; Authentication Mode = HTTP Header, Authorization = Bearer <token>`);
        print(`  Entra ID: Tenant URL = the URL above; Secret Token = the token`);
        print();
        print('Try it:');
        print(`  curl -H "Authorization: Bearer ${view.token}" ${view.scimBaseUrl}/Users`);
      }),
    );

  tenants
    .command('list')
    .description('List the tenants')
    .option('--json', 'print JSON for scripts')
    .action(async (options: JsonOption) =>
      withCliContext(async ({ services, origin, originGuess }) => {
        const views = (await services.tenants.list()).map((tenant) => tenantView(tenant, origin));
        if (options.json) {
          if (originGuess !== undefined) printNote(`scimBaseUrl is ${originGuess}`);
          return printJson({ tenants: views });
        }
        print(
          formatTable(views, [
            { header: 'TENANT', value: (view) => view.id },
            { header: 'NAME', value: (view) => view.name },
            { header: 'CREATED', value: (view) => formatTimestamp(view.createdAt) },
            { header: 'SCIM BASE URL', value: (view) => view.scimBaseUrl },
          ]),
        );
        if (originGuess !== undefined) {
          print();
          print(`The SCIM base URLs are ${originGuess}.`);
        }
      }),
    );

  tenants
    .command('show')
    .description("Show a tenant: its SCIM base URL, number of users and groups, and tokens")
    .argument('<tenant>', 'tenant id', parseTenantId)
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, options: JsonOption) =>
      withCliContext(async ({ services, origin, originGuess }) => {
        const view = tenantDetailsView(await services.tenants.show(tenantId), origin);
        if (options.json) {
          if (originGuess !== undefined) printNote(`scimBaseUrl is ${originGuess}`);
          return printJson(view);
        }
        print(formatFields([
          ['Tenant', view.id],
          ['Name', view.name],
          ['Created', formatTimestamp(view.createdAt)],
          ['SCIM base URL', withGuess(view.scimBaseUrl, originGuess)],
          ['Users', view.users],
          ['Groups', view.groups],
        ]));
        print();
        print(view.tokens.length === 0 ? 'Tokens: none (create one with `scimitar tokens create --tenant ' + view.id + '`)' : 'Tokens:');
        if (view.tokens.length > 0) print(formatTable(view.tokens, tokenColumns));
      }),
    );

  tenants
    .command('delete')
    .description('Delete a tenant with ALL its users, groups and tokens (asks for confirmation on a terminal)')
    .argument('<tenant>', 'tenant id', parseTenantId)
    .option('-y, --yes', 'delete without asking (required when not on a terminal)')
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, options: JsonOption & { yes?: boolean }) =>
      withCliContext(async ({ services }) => {
        const details = await services.tenants.show(tenantId);
        const contents = `${plural(details.users, 'user')}, ${plural(details.groups, 'group')}, ${plural(details.tokens.length, 'token')}`;
        if (!options.yes) {
          if (!isInteractive()) {
            throw new UsageError(`Refusing to delete tenant "${tenantId}" (${contents}) without confirmation: add --yes`);
          }
          const confirmed = await confirmByTyping(`Delete tenant "${tenantId}" and everything in it (${contents})? This cannot be undone.`, tenantId);
          if (!confirmed) throw new CommandFailed(`Not confirmed; tenant "${tenantId}" was not deleted`);
        }
        await services.tenants.delete(tenantId);
        if (options.json) {
          return printJson({ deleted: tenantId, users: details.users, groups: details.groups, tokens: details.tokens.length });
        }
        print(`Deleted tenant "${tenantId}" (${contents}).`);
      }),
    );
}

/** A URL as printed for a person: marked as a guess when there is no configured public URL. */
export function withGuess(url: string, originGuess: string | undefined): string {
  return originGuess === undefined ? url : `${url} (${originGuess})`;
}
