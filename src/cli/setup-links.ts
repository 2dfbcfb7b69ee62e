/** `scimitar setup-links create|list|revoke` (of one tenant, `--tenant`, default `default`). */
import type { Command } from 'commander';
import { setupLinkView } from '../admin/views.js';
import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import { setupLinkUrl } from '../setup-links/setup-link-secret.js';
import { parseDuration, parseTenantId, parseTimestamp } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { UsageError } from './cli-errors.js';
import { formatTable, formatTimestamp, print, printable, printJson, printNote, type Column } from './output.js';

type SetupLinkView = ReturnType<typeof setupLinkView>;

const setupLinkColumns: readonly Column<SetupLinkView>[] = [
  { header: 'ID', value: (link) => link.id },
  { header: 'STATUS', value: (link) => link.status },
  { header: 'CREATED', value: (link) => formatTimestamp(link.createdAt) },
  { header: 'EXPIRES', value: (link) => formatTimestamp(link.expiresAt) },
  { header: 'LAST USED', value: (link) => formatTimestamp(link.lastUsedAt ?? undefined) },
  { header: 'NOTE', value: (link) => printable(link.note ?? '') },
];

interface TenantOptions {
  readonly tenant: string;
  readonly json?: boolean;
}

function tenantOption(command: Command): Command {
  return command.option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID);
}

export function registerSetupLinkCommands(program: Command, { withCliContext }: CliContexts): void {
  const links = program.command('setup-links').description("Manage a tenant's setup links (the customer IT admin's way into the setup portal)");

  const create = links.command('create').description('Create a setup link and print its URL once');
  tenantOption(create)
    .option('--expires-in <duration>', 'the link expires after this long (default 7d, at most 30d)', parseDuration)
    .option('--expires-at <date>', 'the link expires at this time (ISO 8601, at most 30 days ahead)', parseTimestamp)
    .option('--note <text>', 'for you: whom the link went to, or why')
    .option('--json', 'print JSON for scripts')
    .action(async (options: TenantOptions & { expiresIn?: number; expiresAt?: Date; note?: string }) =>
      withCliContext(async ({ services, origin, originGuess }) => {
        if (options.expiresIn !== undefined && options.expiresAt !== undefined) throw new UsageError('Give --expires-in or --expires-at, not both');
        const created = await services.setupLinks.create(options.tenant, { expiresInMs: options.expiresIn, expiresAt: options.expiresAt, note: options.note });
        const view = { ...setupLinkView(created.summary), url: setupLinkUrl(origin, created.secret) };
        if (options.json) {
          if (originGuess !== undefined) printNote(`url is ${originGuess}`);
          return printJson(view);
        }
        print(`Setup link for tenant "${view.tenant}" (shown only now; only its keyed hash is stored):`);
        print();
        print(`  ${view.url}`);
        print();
        if (originGuess !== undefined) print(`The address is ${originGuess}.`);
        print(`Link id ${view.id}; expires ${formatTimestamp(view.expiresAt)}. Revoke it with \`scimitar setup-links revoke ${view.id} --tenant ${view.tenant}\`.`);
      }),
    );

  const list = links.command('list').description("List a tenant's setup links (never their secrets)");
  tenantOption(list)
    .option('--json', 'print JSON for scripts')
    .action(async (options: TenantOptions) =>
      withCliContext(async ({ services }) => {
        const views = (await services.setupLinks.list(options.tenant)).map(setupLinkView);
        if (options.json) return printJson({ setupLinks: views });
        print(formatTable(views, setupLinkColumns));
      }),
    );

  const revoke = links
    .command('revoke')
    .description('Revoke a setup link: the portal refuses it from the next request on')
    .argument('<link-id>', 'the link id (from `scimitar setup-links list`)');
  tenantOption(revoke)
    .option('--json', 'print JSON for scripts')
    .action(async (linkId: string, options: TenantOptions) =>
      withCliContext(async ({ services }) => {
        const view = setupLinkView(await services.setupLinks.revoke(options.tenant, linkId));
        if (options.json) return printJson(view);
        print(`Revoked setup link ${view.id} of tenant "${view.tenant}" at ${formatTimestamp(view.revokedAt ?? undefined)}.`);
      }),
    );
}
