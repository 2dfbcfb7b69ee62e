/**
 * `scimitar deletion show|set|approve|reject <tenant>`: a tenant's delete
 * policy and its mass-deprovisioning safeguard (docs/deletion.md), through
 * the same service and views as the admin API's /tenants/{tenant}/deletion.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { deletionView } from '../admin/routes/deletion-routes.js';
import type { DeletionSettingsChange, TenantDeletionView } from '../services/deletion/deletion-service.js';
import { parsePositiveInteger, parseTenantId } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { CommandFailed, UsageError } from './cli-errors.js';
import { confirmByTyping, isInteractive } from './confirm.js';
import { formatFields, formatTable, formatTimestamp, plural, print, printJson } from './output.js';

interface JsonOption {
  readonly json?: boolean;
}

function parseOnOff(value: string): boolean {
  if (value === 'on') return true;
  if (value === 'off') return false;
  throw new InvalidArgumentError(`"${value}" is neither "on" nor "off".`);
}

function printDeletion(tenantId: string, view: TenantDeletionView): void {
  const { settings, safeguard } = view;
  const rules = settings.safeguard;
  print(
    formatFields([
      ['tenant', tenantId],
      ['delete policy', settings.deletePolicy === 'soft' ? `soft (kept ${plural(settings.softDeleteDays, 'day')}, then purged)` : 'hard'],
      ['safeguard', rules.enabled ? `on: holds hard deletions beyond ${rules.percent}% of the users (at least ${rules.minimum}) within ${rules.windowMinutes} min` : 'off'],
      ['tripped', safeguard.tripped ? `yes, at ${formatTimestamp(safeguard.trippedAt)}` : 'no'],
      ['window', safeguard.windowStartedAt === undefined ? 'none yet' : `since ${formatTimestamp(safeguard.windowStartedAt)}: ${safeguard.windowDeletions} of at most ${safeguard.threshold} deletions (${plural(safeguard.windowUsers, 'user')} then)`],
      ['held', plural(safeguard.heldCount, 'deletion')],
    ]),
  );
  if (safeguard.held.length > 0) {
    print();
    print(
      formatTable(safeguard.held, [
        { header: 'ID', value: (user) => user.id },
        { header: 'USERNAME', value: (user) => user.userName },
        { header: 'EXTERNAL ID', value: (user) => user.externalId },
        { header: 'DELETED', value: (user) => formatTimestamp(user.deletedAt) },
      ]),
    );
    print();
    print(`Decide with: scimitar deletion approve ${tenantId}   (or: scimitar deletion reject ${tenantId})`);
  }
}

export function registerDeletionCommands(program: Command, { withCliContext }: CliContexts): void {
  const deletion = program.command('deletion').description("A tenant's delete policy and its mass-deprovisioning safeguard (see docs/deletion.md)");

  deletion
    .command('show')
    .description('Show the delete policy, the safeguard and the deletions it holds')
    .argument('<tenant>', 'tenant id', parseTenantId)
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, options: JsonOption) =>
      withCliContext(async ({ services }) => {
        const view = await services.resources.deletions.show(tenantId);
        if (options.json) return printJson(deletionView(view));
        printDeletion(tenantId, view);
      }),
    );

  deletion
    .command('set')
    .description('Change the delete policy or the safeguard settings')
    .argument('<tenant>', 'tenant id', parseTenantId)
    .addOption(new Option('--policy <policy>', 'hard or soft').choices(['hard', 'soft']))
    .option('--soft-delete-days <days>', 'how long soft-deleted users are kept', parsePositiveInteger)
    .option('--safeguard <on|off>', 'hold hard deletions beyond the threshold', parseOnOff)
    .option('--percent <percent>', 'threshold: share of the users', parsePositiveInteger)
    .option('--minimum <count>', 'threshold: at least this many deletions', parsePositiveInteger)
    .option('--window-minutes <minutes>', 'the counting window', parsePositiveInteger)
    .option('--json', 'print JSON for scripts')
    .action(
      async (
        tenantId: string,
        options: JsonOption & { policy?: 'hard' | 'soft'; softDeleteDays?: number; safeguard?: boolean; percent?: number; minimum?: number; windowMinutes?: number },
      ) =>
        withCliContext(async ({ services }) => {
          const safeguard = {
            ...(options.safeguard !== undefined ? { enabled: options.safeguard } : {}),
            ...(options.percent !== undefined ? { percent: options.percent } : {}),
            ...(options.minimum !== undefined ? { minimum: options.minimum } : {}),
            ...(options.windowMinutes !== undefined ? { windowMinutes: options.windowMinutes } : {}),
          };
          const change: DeletionSettingsChange = {
            ...(options.policy !== undefined ? { deletePolicy: options.policy } : {}),
            ...(options.softDeleteDays !== undefined ? { softDeleteDays: options.softDeleteDays } : {}),
            ...(Object.keys(safeguard).length > 0 ? { safeguard } : {}),
          };
          if (Object.keys(change).length === 0) throw new UsageError('Nothing to change: give --policy, --soft-delete-days, --safeguard, --percent, --minimum or --window-minutes');
          const view = await services.resources.deletions.configure(tenantId, change);
          if (options.json) return printJson(deletionView(view));
          printDeletion(tenantId, view);
        }),
    );

  deletion
    .command('approve')
    .description('Let the held deletions go through: user.deleted for each, and their data is purged (asks for confirmation on a terminal)')
    .argument('<tenant>', 'tenant id', parseTenantId)
    .option('-y, --yes', 'approve without asking (required when not on a terminal)')
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, options: JsonOption & { yes?: boolean }) =>
      withCliContext(async ({ services }) => {
        if (options.yes !== true) {
          const held = (await services.resources.deletions.show(tenantId)).safeguard.heldCount;
          if (!isInteractive()) throw new UsageError(`Refusing to approve ${plural(held, 'held deletion')} in tenant "${tenantId}" without confirmation: add --yes`);
          const confirmed = await confirmByTyping(`Delete ${plural(held, 'held user')} of tenant "${tenantId}" for good? This cannot be undone.`, tenantId);
          if (!confirmed) throw new CommandFailed('Not confirmed; the deletions stay held');
        }
        const result = await services.resources.deletions.approve(tenantId);
        if (options.json) return printJson({ users: result.users, remaining: result.remaining });
        print(`${plural(result.users, 'deletion')} approved in tenant "${tenantId}"${result.remaining > 0 ? `; ${result.remaining} still held (run again)` : ''}.`);
      }),
    );

  deletion
    .command('reject')
    .description('Undo the held deletions: the users come back under their ids, deactivated, in their groups')
    .argument('<tenant>', 'tenant id', parseTenantId)
    .option('--json', 'print JSON for scripts')
    .action(async (tenantId: string, options: JsonOption) =>
      withCliContext(async ({ services }) => {
        const result = await services.resources.deletions.reject(tenantId);
        if (options.json) return printJson({ users: result.users, conflicts: result.conflicts, remaining: result.remaining });
        print(`${plural(result.users, 'user')} restored (deactivated) in tenant "${tenantId}".`);
        for (const conflict of result.conflicts) print(`Still held: ${conflict.userName ?? conflict.id} — its userName is taken again; approve or resolve it in the IdP.`);
      }),
    );
}
