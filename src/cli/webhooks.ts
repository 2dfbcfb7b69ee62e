/**
 * `scimitar webhooks create|list|show|update|delete|rotate-secret|deliveries|replay`.
 * A webhook id is unique across tenants, so the commands that take one find
 * its tenant themselves; `--tenant` then only double-checks it.
 */
import { Option, type Command } from 'commander';
import { deliveryDetailsView, deliveryPageView, deliveryView, createdWebhookView, rotatedSecretView, webhookView } from '../admin/webhook-views.js';
import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import { MAX_EVENTS_PER_REQUEST, type WebhookService } from '../webhooks/webhook-service.js';
import { parseCount, parsePositiveInteger, parseTenantId } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { UsageError } from './cli-errors.js';
import { formatFields, formatTable, formatTimestamp, print, printDeliveryDetails, printJson, type Column } from './output.js';

type WebhookView = ReturnType<typeof webhookView>;
type DeliveryView = ReturnType<typeof deliveryView>;

const webhookColumns: readonly Column<WebhookView>[] = [
  { header: 'ID', value: (webhook) => webhook.id },
  { header: 'URL', value: (webhook) => webhook.url },
  { header: 'EVENTS', value: (webhook) => (webhook.eventTypes.length === 0 ? 'all' : webhook.eventTypes.join(',')) },
  { header: 'ENABLED', value: (webhook) => (webhook.enabled ? 'yes' : webhook.disabledReason !== null ? 'no (gone)' : 'no') },
  { header: 'CREATED', value: (webhook) => formatTimestamp(webhook.createdAt) },
  { header: 'DESCRIPTION', value: (webhook) => webhook.description },
];

export const deliveryColumns: readonly Column<Omit<DeliveryView, 'webhookId'>>[] = [
  { header: 'ID', value: (delivery) => delivery.id },
  { header: 'SEQ', value: (delivery) => delivery.sequence },
  { header: 'EVENT', value: (delivery) => delivery.eventType },
  { header: 'RESOURCE', value: (delivery) => `${delivery.resourceType}/${delivery.resourceId}` },
  { header: 'STATUS', value: (delivery) => delivery.status },
  { header: 'ATTEMPTS', value: (delivery) => delivery.attemptCount },
  { header: 'NEXT', value: (delivery) => formatTimestamp(delivery.nextAttemptAt ?? undefined) },
  { header: 'LAST ERROR', value: (delivery) => delivery.lastError },
];

/** `a,b` → the listed types; `all` → every type (an empty list). The service checks the names. */
function parseEventTypes(value: string): string[] {
  const types = value
    .split(',')
    .map((type) => type.trim())
    .filter((type) => type !== '');
  return types.length === 1 && types[0] === 'all' ? [] : types;
}

interface JsonOption {
  readonly json?: boolean;
}

interface TenantCheck extends JsonOption {
  readonly tenant?: string;
}

/** The tenant of a webhook: looked up by id, and checked against --tenant when given. */
async function tenantOf(webhooks: WebhookService, webhookId: string, options: TenantCheck): Promise<string> {
  if (options.tenant !== undefined) return (await webhooks.get(options.tenant, webhookId)).tenantId;
  return (await webhooks.locate(webhookId)).tenantId;
}

function printWebhook(view: WebhookView): void {
  print(
    formatFields([
      ['id', view.id],
      ['tenant', view.tenant],
      ['url', view.url],
      ['events', view.eventTypes.length === 0 ? 'all' : view.eventTypes.join(', ')],
      ['enabled', view.enabled ? 'yes' : 'no'],
      ...(view.disabledReason !== null ? [['disabled because', view.disabledReason] as const] : []),
      ['events per request', view.maxEventsPerRequest === 1 ? '1 (the event is the body)' : `up to ${view.maxEventsPerRequest} (a JSON array)`],
      ['description', view.description],
      ['created', formatTimestamp(view.createdAt)],
      ['updated', formatTimestamp(view.updatedAt)],
    ]),
  );
}

function printSecret(heading: string, secret: string): void {
  print(`${heading} (shown only now; verify webhook-signature with it):`);
  print();
  print(`  ${secret}`);
  print();
}

const MAX_EVENTS_PER_REQUEST_HELP = `up to this many events per request, as a JSON array (1 to ${MAX_EVENTS_PER_REQUEST}; 1: one event per request, the event itself the body)`;

function withTenantCheck(command: Command): Command {
  return command.option('-t, --tenant <tenant>', 'the tenant the webhook must belong to (found from the id otherwise)', parseTenantId).option('--json', 'print JSON for scripts');
}

export function registerWebhookCommands(program: Command, { withCliContext }: CliContexts): void {
  const webhooks = program.command('webhooks').description("Manage tenants' webhooks: signed POSTs of every change to the host app (see docs/webhooks.md)");

  webhooks
    .command('create')
    .description('Create a webhook and print its signing secret once')
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .requiredOption('--url <url>', 'where events are POSTed (https://…)')
    .option('--events <types>', 'comma-separated event types to receive (default: all)', parseEventTypes)
    .option('--disabled', 'create it disabled')
    .option('--description <text>', 'a note for operators')
    .option('--max-events-per-request <n>', `${MAX_EVENTS_PER_REQUEST_HELP} (default 1)`, parsePositiveInteger)
    .option('--json', 'print JSON for scripts')
    .action(async (options: JsonOption & { tenant: string; url: string; events?: string[]; disabled?: boolean; description?: string; maxEventsPerRequest?: number }) =>
      withCliContext(async ({ services }) => {
        const created = await services.webhooks.create(options.tenant, {
          url: options.url,
          eventTypes: options.events,
          enabled: options.disabled !== true,
          description: options.description,
          maxEventsPerRequest: options.maxEventsPerRequest,
        });
        const view = createdWebhookView(created);
        if (options.json) return printJson(view);
        print(`Webhook ${view.id} for tenant "${view.tenant}" → ${view.url}`);
        printSecret('Its signing secret', view.secret);
        print(`It receives the changes made from now on${view.enabled ? '' : ', once enabled (`scimitar webhooks update ' + view.id + ' --enable`)'}.`);
      }),
    );

  webhooks
    .command('list')
    .description("List a tenant's webhooks (never their secrets)")
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .option('--json', 'print JSON for scripts')
    .action(async (options: JsonOption & { tenant: string }) =>
      withCliContext(async ({ services }) => {
        const views = (await services.webhooks.list(options.tenant)).map(webhookView);
        if (options.json) return printJson({ webhooks: views });
        print(formatTable(views, webhookColumns));
      }),
    );

  withTenantCheck(webhooks.command('show').description('Show a webhook').argument('<id>', 'the webhook id')).action(async (webhookId: string, options: TenantCheck) =>
    withCliContext(async ({ services }) => {
      const view = webhookView(await services.webhooks.get(await tenantOf(services.webhooks, webhookId, options), webhookId));
      if (options.json) return printJson(view);
      printWebhook(view);
    }),
  );

  withTenantCheck(
    webhooks
      .command('update')
      .description("Change a webhook's URL, event types, description or events per request, or enable / disable it")
      .argument('<id>', 'the webhook id')
      .option('--url <url>', 'a new URL')
      .option('--events <types>', 'comma-separated event types, or "all"', parseEventTypes)
      .option('--description <text>', 'a new description')
      .option('--max-events-per-request <n>', MAX_EVENTS_PER_REQUEST_HELP, parsePositiveInteger)
      .addOption(new Option('--enable', 'enable it (it receives the changes made from now on)').conflicts('disable'))
      .addOption(new Option('--disable', 'disable it (it receives nothing until enabled)')),
  ).action(
    async (webhookId: string, options: TenantCheck & { url?: string; events?: string[]; description?: string; maxEventsPerRequest?: number; enable?: boolean; disable?: boolean }) =>
      withCliContext(async ({ services }) => {
        const enabled = options.enable === true ? true : options.disable === true ? false : undefined;
        const { url, events, description, maxEventsPerRequest } = options;
        if (url === undefined && events === undefined && description === undefined && maxEventsPerRequest === undefined && enabled === undefined) {
          throw new UsageError('Nothing to change: give --url, --events, --description, --max-events-per-request, --enable or --disable');
        }
        const tenantId = await tenantOf(services.webhooks, webhookId, options);
        const view = webhookView(await services.webhooks.update(tenantId, webhookId, { url, eventTypes: events, description, maxEventsPerRequest, enabled }));
        if (options.json) return printJson(view);
        printWebhook(view);
      }),
  );

  withTenantCheck(webhooks.command('delete').description('Delete a webhook with its deliveries').argument('<id>', 'the webhook id')).action(
    async (webhookId: string, options: TenantCheck) =>
      withCliContext(async ({ services }) => {
        const tenantId = await tenantOf(services.webhooks, webhookId, options);
        await services.webhooks.delete(tenantId, webhookId);
        if (options.json) return printJson({ deleted: webhookId, tenant: tenantId });
        print(`Deleted webhook ${webhookId} of tenant "${tenantId}".`);
      }),
  );

  withTenantCheck(
    webhooks
      .command('rotate-secret')
      .description('Replace the signing secret: prints the new one; the old one keeps signing too during the overlap')
      .argument('<id>', 'the webhook id')
      .addOption(new Option('--overlap-seconds <seconds>', 'how long the previous secret keeps signing').argParser(parseCount).default(86_400, '86400 (24 h)')),
  ).action(async (webhookId: string, options: TenantCheck & { overlapSeconds: number }) =>
    withCliContext(async ({ services }) => {
      const tenantId = await tenantOf(services.webhooks, webhookId, options);
      const view = rotatedSecretView(await services.webhooks.rotateSecret(tenantId, webhookId, { overlapSeconds: options.overlapSeconds }));
      if (options.json) return printJson(view);
      printSecret(`New signing secret of webhook ${webhookId}`, view.secret);
      print(`Until ${formatTimestamp(view.previousSecretExpiresAt)} deliveries are signed with the previous secret too: switch the receiver before then.`);
    }),
  );

  withTenantCheck(
    webhooks
      .command('deliveries')
      .description("List a webhook's deliveries in event order")
      .argument('<id>', 'the webhook id')
      .addOption(new Option('--status <status>', 'only deliveries in this state').choices(['pending', 'succeeded', 'failed']))
      .option('--limit <n>', 'page size', parsePositiveInteger, 50)
      .option('--after <sequence>', 'continue after this sequence (the "next" of the previous page)', parseCount),
  ).action(async (webhookId: string, options: TenantCheck & { status?: string; limit: number; after?: number }) =>
    withCliContext(async ({ services }) => {
      const tenantId = await tenantOf(services.webhooks, webhookId, options);
      const view = deliveryPageView(await services.webhooks.listDeliveries(tenantId, webhookId, { status: options.status, limit: options.limit, after: options.after }));
      if (options.json) return printJson(view);
      print(formatTable(view.deliveries, deliveryColumns));
      if (view.next !== null) print(`\nMore: --after ${view.next}`);
    }),
  );

  withTenantCheck(
    webhooks
      .command('replay')
      .description('Send failed deliveries again: one by its id, or every failed one with --all-failed')
      .argument('<id>', 'the webhook id')
      .argument('[delivery-id]', 'the failed delivery to send again')
      .option('--all-failed', 'every failed delivery of the webhook'),
  ).action(async (webhookId: string, deliveryId: string | undefined, options: TenantCheck & { allFailed?: boolean }) =>
    withCliContext(async ({ services }) => {
      if ((deliveryId === undefined) === (options.allFailed !== true)) throw new UsageError('Give a delivery id or --all-failed (one of them)');
      const tenantId = await tenantOf(services.webhooks, webhookId, options);
      if (deliveryId !== undefined) {
        const view = deliveryView(await services.webhooks.replayDelivery(tenantId, webhookId, deliveryId));
        if (options.json) return printJson(view);
        return print(`Delivery ${view.id} (event ${view.eventType}, sequence ${view.sequence}) is pending again.`);
      }
      const replayed = await services.webhooks.replayFailed(tenantId, webhookId);
      if (options.json) return printJson({ replayed });
      print(`${replayed} failed ${replayed === 1 ? 'delivery is' : 'deliveries are'} pending again.`);
    }),
  );

  withTenantCheck(
    webhooks.command('delivery').description('Show one delivery with the event sent and every attempt').argument('<id>', 'the webhook id').argument('<delivery-id>', 'the delivery id'),
  ).action(async (webhookId: string, deliveryId: string, options: TenantCheck) =>
    withCliContext(async ({ services }) => {
      const tenantId = await tenantOf(services.webhooks, webhookId, options);
      const view = deliveryDetailsView(await services.webhooks.getDelivery(tenantId, webhookId, deliveryId));
      if (options.json) return printJson(view);
      printDeliveryDetails(view, [{ header: 'STATUS', value: (attempt) => attempt.statusCode }]);
    }),
  );
}
