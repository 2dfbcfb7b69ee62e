/**
 * `scimitar consumers list|deliveries|delivery|replay|delete`: the embedding
 * app's durable consumers as an operator sees them, per tenant (their
 * cursors, deliveries, parked events and replays). Consumers themselves
 * are declared in the app's code (`scimitar.events.consume`).
 */
import { Option, type Command } from 'commander';
import { consumerDeliveryDetailsView, consumerDeliveryPageView, consumerDeliveryView, consumerView } from '../admin/consumer-views.js';
import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import { parseCount, parsePositiveInteger, parseTenantId } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { UsageError } from './cli-errors.js';
import { formatFields, formatTable, formatTimestamp, print, printDeliveryDetails, printJson } from './output.js';
import { deliveryColumns } from './webhooks.js';

interface TenantOption {
  readonly tenant: string;
  readonly json?: boolean;
}

function withTenant(command: Command): Command {
  return command.option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID).option('--json', 'print JSON for scripts');
}

export function registerConsumerCommands(program: Command, { withCliContext }: CliContexts): void {
  const consumers = program.command('consumers').description("The embedding app's durable consumers: cursors, deliveries, parked events (see docs/embedding.md)");

  withTenant(consumers.command('list').description("List the consumers reading a tenant's events, with their cursors")).action(async (options: TenantOption) =>
    withCliContext(async ({ services }) => {
      const views = (await services.consumerDeliveries.list(options.tenant)).map(consumerView);
      if (options.json) return printJson({ consumers: views });
      print(
        formatTable(views, [
          { header: 'NAME', value: (consumer) => consumer.name },
          { header: 'EVENTS', value: (consumer) => (consumer.eventTypes.length === 0 ? 'all' : consumer.eventTypes.join(',')) },
          { header: 'CURSOR', value: (consumer) => consumer.cursor },
          { header: 'SINCE', value: (consumer) => formatTimestamp(consumer.createdAt) },
        ]),
      );
    }),
  );

  withTenant(
    consumers
      .command('deliveries')
      .description("List a consumer's deliveries in event order (--status failed: the parked events)")
      .argument('<name>', 'the consumer name')
      .addOption(new Option('--status <status>', 'only deliveries in this state').choices(['pending', 'succeeded', 'failed']))
      .option('--limit <n>', 'page size', parsePositiveInteger, 50)
      .option('--after <sequence>', 'continue after this sequence (the "next" of the previous page)', parseCount),
  ).action(async (name: string, options: TenantOption & { status?: string; limit: number; after?: number }) =>
    withCliContext(async ({ services }) => {
      const view = consumerDeliveryPageView(name, await services.consumerDeliveries.listDeliveries(options.tenant, name, { status: options.status, limit: options.limit, after: options.after }));
      if (options.json) return printJson(view);
      print(formatTable(view.deliveries, deliveryColumns));
      if (view.next !== null) print(`\nMore: --after ${view.next}`);
    }),
  );

  withTenant(
    consumers.command('delivery').description('Show one delivery with its event and every call of the handler').argument('<name>', 'the consumer name').argument('<delivery-id>', 'the delivery id'),
  ).action(async (name: string, deliveryId: string, options: TenantOption) =>
    withCliContext(async ({ services }) => {
      const view = consumerDeliveryDetailsView(name, await services.consumerDeliveries.getDelivery(options.tenant, name, deliveryId));
      if (options.json) return printJson(view);
      printDeliveryDetails(view);
    }),
  );

  withTenant(
    consumers
      .command('replay')
      .description('Hand parked events to the consumer again: one by its delivery id, or every parked one with --all-failed')
      .argument('<name>', 'the consumer name')
      .argument('[delivery-id]', 'the parked delivery')
      .option('--all-failed', 'every parked delivery of the consumer in the tenant'),
  ).action(async (name: string, deliveryId: string | undefined, options: TenantOption & { allFailed?: boolean }) =>
    withCliContext(async ({ services }) => {
      if ((deliveryId === undefined) === (options.allFailed !== true)) throw new UsageError('Give a delivery id or --all-failed (one of them)');
      if (deliveryId !== undefined) {
        const view = consumerDeliveryView(name, await services.consumerDeliveries.replayDelivery(options.tenant, name, deliveryId));
        if (options.json) return printJson(view);
        return print(`Delivery ${view.id} (event ${view.eventType}, sequence ${view.sequence}) is pending again.`);
      }
      const replayed = await services.consumerDeliveries.replayFailed(options.tenant, name);
      if (options.json) return printJson({ replayed });
      print(`${replayed} parked ${replayed === 1 ? 'delivery is' : 'deliveries are'} pending again.`);
    }),
  );

  consumers
    .command('delete')
    .description('Forget a consumer the app no longer runs, in every tenant, with its deliveries (its cursor stops holding back event retention)')
    .argument('<name>', 'the consumer name')
    .option('--json', 'print JSON for scripts')
    .action(async (name: string, options: { json?: boolean }) =>
      withCliContext(async ({ services }) => {
        const tenants = await services.consumerDeliveries.delete(name);
        if (options.json) return printJson({ deleted: name, tenants });
        print(`Deleted consumer "${name}" (it read ${tenants} ${tenants === 1 ? 'tenant' : 'tenants'}).`);
      }),
    );
}
