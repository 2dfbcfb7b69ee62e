/** `scimitar oauth-clients create|list|rotate|revoke` (of one tenant, `--tenant`, default `default`). */
import { Option, type Command } from 'commander';
import { issuedOAuthClientView, oauthClientView } from '../admin/views.js';
import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import { tenantTokenEndpointUrl } from '../tenancy/tenant-urls.js';
import { formatDuration, parseDuration, parseTenantId } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { formatFields, formatTable, formatTimestamp, print, printJson, printNote, type Column } from './output.js';
import { withGuess } from './tenants.js';

type ClientView = ReturnType<typeof oauthClientView>;

const clientColumns: readonly Column<ClientView>[] = [
  { header: 'CLIENT ID', value: (client) => client.clientId },
  { header: 'NAME', value: (client) => client.name },
  { header: 'STATUS', value: (client) => client.status },
  { header: 'SECRETS', value: (client) => client.secrets.map((secret) => `${secret.prefix}… ${secret.status}${secret.expiresAt ? ` until ${formatTimestamp(secret.expiresAt)}` : ''}`).join(', ') },
  { header: 'CREATED', value: (client) => formatTimestamp(client.createdAt) },
  { header: 'LAST USED', value: (client) => formatTimestamp(client.secrets.map((secret) => secret.lastUsedAt ?? '').sort().at(-1) || undefined) },
];

interface TenantOptions {
  readonly tenant: string;
  readonly json?: boolean;
}

function tenantOption(command: Command): Command {
  return command.option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID).option('--json', 'print JSON for scripts');
}

export function registerOAuthClientCommands(program: Command, { withCliContext }: CliContexts): void {
  const clients = program
    .command('oauth-clients')
    .description("Manage a tenant's OAuth 2.0 clients: a client id and secret its identity provider exchanges for short-lived access tokens");

  tenantOption(clients.command('create').description('Create a client and print its secret once').option('-n, --name <name>', 'a name to recognise the client by', 'cli client')).action(
    async (options: TenantOptions & { name: string }) =>
      withCliContext(async ({ services, origin, originGuess }) => {
        const issued = await services.oauthClients.create(options.tenant, { name: options.name });
        const view = issuedOAuthClientView(issued, tenantTokenEndpointUrl(origin, options.tenant));
        if (options.json) {
          if (originGuess !== undefined) printNote(`tokenEndpoint is ${originGuess}`);
          return printJson(view);
        }
        print(`OAuth client "${view.name}" created for tenant "${view.tenant}". Configure the identity provider with:`);
        print();
        print(
          formatFields([
            ['  Token endpoint', withGuess(view.tokenEndpoint, originGuess)],
            ['  Client id', view.clientId],
            ['  Client secret', view.clientSecret],
            ['  Grant type', 'client_credentials (scope: none, or "scim")'],
          ]),
        );
        print();
        print('The secret is shown only now: only its keyed hash is stored.');
        print('Try it:');
        print(`  curl -u '${view.clientId}:${view.clientSecret}' -d grant_type=client_credentials ${view.tokenEndpoint}`);
      }),
  );

  tenantOption(clients.command('list').description("List a tenant's clients (never their secrets)")).action(async (options: TenantOptions) =>
    withCliContext(async ({ services, origin }) => {
      const views = (await services.oauthClients.list(options.tenant)).map((client) => oauthClientView(client, tenantTokenEndpointUrl(origin, options.tenant)));
      if (options.json) return printJson({ clients: views });
      print(formatTable(views, clientColumns));
    }),
  );

  tenantOption(
    clients
      .command('rotate')
      .description("Give a client a new secret; the previous ones (and their access tokens) keep working during the overlap, then stop")
      .argument('<client-id>', 'the client id (from `scimitar oauth-clients list`)')
      .addOption(
        new Option('--overlap <duration>', 'how long the previous secrets keep working (e.g. 24h, 30m, 0 for not at all)').argParser(parseDuration).default(24 * 3_600_000, '24h'),
      ),
  ).action(async (clientId: string, options: TenantOptions & { overlap: number }) =>
    withCliContext(async ({ services, origin }) => {
      const rotated = await services.oauthClients.rotate(options.tenant, clientId, { overlapMs: options.overlap });
      const view = issuedOAuthClientView(rotated, tenantTokenEndpointUrl(origin, options.tenant));
      if (options.json) return printJson(view);
      print(`New secret for OAuth client ${view.clientId} of tenant "${view.tenant}" (shown only now; only its keyed hash is stored):`);
      print();
      print(`  ${view.clientSecret}`);
      print();
      print(
        options.overlap === 0
          ? 'The previous secrets and their access tokens stopped working now.'
          : `The previous secrets and their access tokens keep working for ${formatDuration(options.overlap)}: put the new secret in the identity provider before then.`,
      );
    }),
  );

  tenantOption(
    clients
      .command('revoke')
      .description('Revoke a client: its secrets and every access token it was issued are refused from the next request on')
      .argument('<client-id>', 'the client id (from `scimitar oauth-clients list`)'),
  ).action(async (clientId: string, options: TenantOptions) =>
    withCliContext(async ({ services, origin }) => {
      const view = oauthClientView(await services.oauthClients.revoke(options.tenant, clientId), tenantTokenEndpointUrl(origin, options.tenant));
      if (options.json) return printJson(view);
      print(`Revoked OAuth client ${view.clientId} ("${view.name}") of tenant "${view.tenant}" at ${formatTimestamp(view.revokedAt ?? undefined)}.`);
    }),
  );
}
