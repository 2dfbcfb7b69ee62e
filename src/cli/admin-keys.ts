/** `scimitar admin-keys create|list|revoke`: the operators' keys for the admin API (/admin/v1). */
import type { Command } from 'commander';
import type { AdminKeySummary } from '../auth/admin-keys.js';
import type { CliContexts } from './cli-context.js';
import { formatTable, formatTimestamp, print, printJson } from './output.js';

function adminKeyView(key: AdminKeySummary) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    status: key.status,
    createdAt: key.createdAt,
    revokedAt: key.revokedAt ?? null,
    lastUsedAt: key.lastUsedAt ?? null,
  };
}

export function registerAdminKeyCommands(program: Command, { withCliContext }: CliContexts): void {
  const keys = program.command('admin-keys').description('Manage admin keys: the credentials of the admin API (/admin/v1), apart from SCIM tokens');

  keys
    .command('create')
    .description('Create an admin key and print it once (only its keyed hash is stored)')
    .option('-n, --name <name>', 'a name to recognise the key by', 'admin key')
    .option('--json', 'print JSON for scripts')
    .action(async (options: { name: string; json?: boolean }) =>
      withCliContext(async ({ services, origin, originGuess }) => {
        const created = await services.adminKeys.create(options.name);
        if (options.json) return printJson({ ...adminKeyView(created.summary), key: created.key });
        print(`New admin key "${created.summary.name}" (shown only now; only its keyed hash is stored):`);
        print();
        print(`  ${created.key}`);
        print();
        print('Try it:');
        print(`  curl -H "Authorization: Bearer ${created.key}" ${origin}/admin/v1/tenants`);
        // On a line of its own, so the command above still pastes as it is.
        if (originGuess !== undefined) print(`  (the address is ${originGuess})`);
      }),
    );

  keys
    .command('list')
    .description('List admin keys (never their secrets)')
    .option('--json', 'print JSON for scripts')
    .action(async (options: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const views = (await services.adminKeys.list()).map(adminKeyView);
        if (options.json) return printJson({ adminKeys: views });
        print(
          formatTable(views, [
            { header: 'ID', value: (key) => key.id },
            { header: 'NAME', value: (key) => key.name },
            { header: 'PREFIX', value: (key) => `${key.prefix}…` },
            { header: 'STATUS', value: (key) => key.status },
            { header: 'CREATED', value: (key) => formatTimestamp(key.createdAt) },
            { header: 'LAST USED', value: (key) => formatTimestamp(key.lastUsedAt ?? undefined) },
          ]),
        );
      }),
    );

  keys
    .command('revoke')
    .description('Revoke an admin key: refused from the next request on')
    .argument('<key-id>', 'the key id (from `scimitar admin-keys list`)')
    .option('--json', 'print JSON for scripts')
    .action(async (keyId: string, options: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const view = adminKeyView(await services.adminKeys.revoke(keyId));
        if (options.json) return printJson(view);
        print(`Revoked admin key ${view.id} ("${view.name}", ${view.prefix}…).`);
      }),
    );
}
