/** `scimitar tokens create|list|revoke|rotate` (of one tenant, `--tenant`, default `default`). */
import { Option, type Command } from 'commander';
import { issuedTokenView, rotatedTokenView, tokenView } from '../admin/views.js';
import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import { formatDuration, parseDuration, parseTenantId, parseTimestamp } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { UsageError } from './cli-errors.js';
import { formatTable, formatTimestamp, print, printJson, type Column } from './output.js';

type TokenView = ReturnType<typeof tokenView>;

export const tokenColumns: readonly Column<TokenView>[] = [
  { header: 'ID', value: (token) => token.id },
  { header: 'NAME', value: (token) => token.name },
  { header: 'PREFIX', value: (token) => `${token.prefix}…` },
  { header: 'STATUS', value: (token) => token.status },
  { header: 'CREATED', value: (token) => formatTimestamp(token.createdAt) },
  { header: 'EXPIRES', value: (token) => formatTimestamp(token.expiresAt ?? undefined) },
  { header: 'LAST USED', value: (token) => formatTimestamp(token.lastUsedAt ?? undefined) },
];

interface TenantOptions {
  readonly tenant: string;
  readonly json?: boolean;
}

interface ExpiryOptions {
  readonly expiresIn?: number;
  readonly expiresAt?: Date;
}

function expiryFrom(options: ExpiryOptions, now: Date): Date | undefined {
  if (options.expiresIn !== undefined && options.expiresAt !== undefined) throw new UsageError('Give --expires-in or --expires-at, not both');
  if (options.expiresIn !== undefined) return new Date(now.getTime() + options.expiresIn);
  return options.expiresAt;
}

function tenantOption(command: Command): Command {
  return command.option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID);
}

function expiryOptions(command: Command, subject: string): Command {
  return command
    .option('--expires-in <duration>', `${subject} expires after this long (e.g. 90d, 12h)`, parseDuration)
    .option('--expires-at <date>', `${subject} expires at this time (ISO 8601)`, parseTimestamp);
}

function printSecret(heading: string, token: string): void {
  print(`${heading} (shown only now; only its keyed hash is stored):`);
  print();
  print(`  ${token}`);
  print();
}

export function registerTokenCommands(program: Command, { withCliContext }: CliContexts): void {
  const tokens = program.command('tokens').description("Manage a tenant's bearer tokens (the credentials of its identity provider)");

  const create = tokens.command('create').description('Create a bearer token and print it once');
  tenantOption(create);
  expiryOptions(create, 'the token')
    .option('-n, --name <name>', 'a name to recognise the token by', 'cli token')
    .option('--json', 'print JSON for scripts')
    .action(async (options: TenantOptions & ExpiryOptions & { name: string }) =>
      withCliContext(async ({ services, now }) => {
        const issued = await services.tokens.create(options.tenant, { name: options.name, expiresAt: expiryFrom(options, now()) });
        const view = issuedTokenView(issued);
        if (options.json) return printJson(view);
        printSecret(`New bearer token "${view.name}" for tenant "${view.tenant}"`, view.token);
        print(`Token id ${view.id}${view.expiresAt ? `; expires ${formatTimestamp(view.expiresAt)}` : ''}.`);
      }),
    );

  const list = tokens.command('list').description("List a tenant's tokens (never their secrets)");
  tenantOption(list)
    .option('--json', 'print JSON for scripts')
    .action(async (options: TenantOptions) =>
      withCliContext(async ({ services }) => {
        const views = (await services.tokens.list(options.tenant)).map(tokenView);
        if (options.json) return printJson({ tokens: views });
        print(formatTable(views, tokenColumns));
      }),
    );

  const revoke = tokens
    .command('revoke')
    .description('Revoke a token: refused by the server from the next request on')
    .argument('<token-id>', 'the token id (from `scimitar tokens list`)');
  tenantOption(revoke)
    .option('--json', 'print JSON for scripts')
    .action(async (tokenId: string, options: TenantOptions) =>
      withCliContext(async ({ services }) => {
        const view = tokenView(await services.tokens.revoke(options.tenant, tokenId));
        if (options.json) return printJson(view);
        print(`Revoked token ${view.id} ("${view.name}", ${view.prefix}…) of tenant "${view.tenant}" at ${formatTimestamp(view.revokedAt ?? undefined)}.`);
      }),
    );

  const rotate = tokens
    .command('rotate')
    .description('Replace a token: prints a new one; the old one keeps working during the overlap, then expires')
    .argument('<token-id>', 'the token id (from `scimitar tokens list`)');
  tenantOption(rotate);
  expiryOptions(rotate, 'the new token')
    .addOption(
      new Option('--overlap <duration>', 'how long the old token keeps working (e.g. 24h, 30m, 0 for not at all)')
        .argParser(parseDuration)
        .default(24 * 3_600_000, '24h'),
    )
    .option('--json', 'print JSON for scripts')
    .action(async (tokenId: string, options: TenantOptions & ExpiryOptions & { overlap: number }) =>
      withCliContext(async ({ services, now }) => {
        const rotated = await services.tokens.rotate(options.tenant, tokenId, { overlapMs: options.overlap, expiresAt: expiryFrom(options, now()) });
        const view = rotatedTokenView(rotated);
        if (options.json) return printJson(view);
        printSecret(`New bearer token "${view.name}" for tenant "${view.tenant}" (id ${view.id})`, view.token);
        print(
          `The old token ${view.previous.prefix}… (id ${view.previous.id}) keeps working until ${formatTimestamp(view.previous.expiresAt ?? undefined)} ` +
            `(overlap ${formatDuration(options.overlap)}): put the new token in the identity provider before then.`,
        );
      }),
    );
}
