/** `scimitar roles list|map|unmap|default|show`: group → role mapping (docs/roles.md). */
import type { Command } from 'commander';
import type { RoleMapping } from '../roles/role-rules.js';
import { tenantScimBaseUrl } from '../tenancy/tenant-urls.js';
import { parseTenantId } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { UsageError } from './cli-errors.js';
import { formatTable, formatTimestamp, plural, print, printJson } from './output.js';

interface JsonOption {
  readonly json?: boolean;
}

interface MapOptions extends JsonOption {
  readonly displayName?: string;
  readonly externalId?: string;
  readonly groupId?: string;
  readonly role: string;
  readonly precedence?: string;
}

/** The one group match the options name. */
function matchOf(options: MapOptions): { matchBy: string; matchValue: string } {
  const named: [string, string | undefined][] = [
    ['displayName', options.displayName],
    ['externalId', options.externalId],
    ['id', options.groupId],
  ];
  const given = named.flatMap(([matchBy, matchValue]) => (matchValue === undefined ? [] : [{ matchBy, matchValue }]));
  const [only] = given;
  if (only === undefined || given.length > 1) throw new UsageError('Name the group by exactly one of --display-name, --external-id or --group-id');
  const { matchBy, matchValue } = only;
  return { matchBy, matchValue };
}

function precedenceOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) throw new UsageError(`--precedence must be a whole number, not ${JSON.stringify(text)}`);
  return Number(text);
}

function printMappings(mappings: readonly RoleMapping[]): void {
  print(
    formatTable(mappings, [
      { header: 'ID', value: (mapping) => mapping.id },
      { header: 'PRECEDENCE', value: (mapping) => String(mapping.precedence) },
      { header: 'GROUP', value: (mapping) => `${mapping.matchBy} = ${mapping.matchValue}` },
      { header: 'ROLE', value: (mapping) => mapping.role },
      { header: 'CREATED', value: (mapping) => formatTimestamp(mapping.createdAt) },
    ]),
  );
}

export function registerRoleCommands(program: Command, { withCliContext }: CliContexts): void {
  const roles = program
    .command('roles')
    .description("Map a tenant's groups to the app's roles, and show users' effective roles (from direct and nested groups)");

  roles
    .command('list')
    .description("List a tenant's rules in precedence order, and its default role")
    .argument('<tenant>', 'tenant id', parseTenantId)
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, options: JsonOption) =>
      withCliContext(async ({ services }) => {
        const rules = await services.roles.rules(tenantId);
        if (options.json) return printJson(rules);
        print(`Default role: ${rules.defaultRole ?? '(none)'}`);
        if (rules.mappings.length === 0) return print('No rules.');
        printMappings(rules.mappings);
      }),
    );

  roles
    .command('map')
    .description('Give a role to the members of a group; every user is recomputed and each one moved gets user.roles_changed')
    .argument('<tenant>', 'tenant id', parseTenantId)
    .option('--display-name <name>', 'the group by displayName (case-insensitive; a rename breaks the rule)')
    .option('--external-id <externalId>', 'the group by externalId')
    .option('--group-id <id>', 'the group by id (survives renames)')
    .requiredOption('-r, --role <role>', "the app's role name")
    .option('--precedence <n>', 'lower first: roles are listed in this order, the first is primary (default 100)')
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, options: MapOptions) =>
      withCliContext(async ({ services, origin }) => {
        const precedence = precedenceOf(options.precedence);
        const added = await services.roles.addMapping(
          { tenantId, baseUrl: tenantScimBaseUrl(origin, tenantId) },
          { ...matchOf(options), role: options.role, ...(precedence !== undefined ? { precedence } : {}) },
        );
        if (options.json) return printJson(added);
        print(`Rule ${added.mapping.id} added: ${added.mapping.matchBy} = ${added.mapping.matchValue} → ${added.mapping.role}; ${plural(added.usersChanged, 'user')} changed roles.`);
      }),
    );

  roles
    .command('unmap')
    .description('Remove a rule; the roles only it gave are taken back')
    .argument('<tenant>', 'tenant id', parseTenantId)
    .argument('<rule>', 'rule id (see `roles list`)')
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, ruleId: string, options: JsonOption) =>
      withCliContext(async ({ services, origin }) => {
        const removed = await services.roles.removeMapping({ tenantId, baseUrl: tenantScimBaseUrl(origin, tenantId) }, ruleId);
        if (options.json) return printJson(removed);
        print(`Rule ${removed.mapping.id} removed; ${plural(removed.usersChanged, 'user')} changed roles.`);
      }),
    );

  roles
    .command('default')
    .description('Set the role of users no rule gives any (--none clears it)')
    .argument('<tenant>', 'tenant id', parseTenantId)
    .argument('[role]', "the app's role name")
    .option('--none', 'no default role')
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, role: string | undefined, options: JsonOption & { none?: boolean }) =>
      withCliContext(async ({ services, origin }) => {
        if ((role === undefined) === (options.none !== true)) throw new UsageError('Give either a role or --none');
        const set = await services.roles.setDefaultRole({ tenantId, baseUrl: tenantScimBaseUrl(origin, tenantId) }, role ?? null);
        if (options.json) return printJson(set);
        print(`Default role: ${set.defaultRole ?? '(none)'}; ${plural(set.usersChanged, 'user')} changed roles.`);
      }),
    );

  roles
    .command('show')
    .description("A user's effective roles, in precedence order")
    .argument('<tenant>', 'tenant id', parseTenantId)
    .argument('<user>', 'user id')
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, userId: string, options: JsonOption) =>
      withCliContext(async ({ services }) => {
        const shown = await services.roles.rolesOf(tenantId, userId);
        if (options.json) return printJson(shown);
        print(shown.roles.length === 0 ? '(no roles)' : shown.roles.join('\n'));
      }),
    );
}
