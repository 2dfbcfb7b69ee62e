/**
 * `scimitar requests`: a tenant's request log from the terminal — what the
 * identity provider sent and what it was answered — and `--follow` to
 * watch it live while someone clicks "Test connection" in the IdP.
 * `scimitar users history <id>`: a User's changes with the requests and
 * identity providers that made them. Both read through the same service as
 * the admin API, so they accept exactly the same filters.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Command } from 'commander';
import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import type { StoredRequestLogEntry } from '../request-log/entry.js';
import { entryView } from '../request-log/entry-view.js';
import { encodeRequestLogCursor, type HistoryChange, type RequestLogFilters } from '../request-log/request-log-service.js';
import { parseDuration, parsePositiveInteger, parseTenantId } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { formatFields, formatTable, formatTimestamp, print, printable, printJson, type Column } from './output.js';

interface RequestsOptions {
  readonly tenant: string;
  readonly status?: string;
  readonly since?: string;
  readonly until?: string;
  readonly method?: string;
  readonly path?: string;
  readonly resourceId?: string;
  readonly idp?: string;
  readonly limit: number;
  readonly follow?: boolean;
  readonly interval: number;
  readonly json?: boolean;
}

/** One line per request, fixed fields first: the same shape in a listing and while following. */
function formatRequestLine(entry: StoredRequestLogEntry): string {
  const outcome = entry.authFailure !== null ? `auth: ${entry.authFailure}` : entry.detail !== null ? `${entry.scimType ?? 'error'}: ${entry.detail}` : '';
  const target = entry.query === null ? entry.path : `${entry.path}?${entry.query}`;
  return [
    formatTimestamp(entry.occurredAt),
    String(entry.status),
    entry.method.padEnd(6),
    printable(target),
    printable(entry.idp),
    `${Math.round(entry.latencyMs)}ms`,
    entry.requestId,
    ...(outcome === '' ? [] : [printable(outcome)]),
  ].join('  ');
}

function filtersOf(options: RequestsOptions): RequestLogFilters {
  return {
    since: options.since,
    until: options.until,
    status: options.status,
    method: options.method,
    path: options.path,
    resourceId: options.resourceId,
    idp: options.idp,
  };
}

const HISTORY_COLUMNS: readonly Column<HistoryChange>[] = [
  { header: 'TIME', value: (change) => formatTimestamp(change.timestamp) },
  { header: 'CHANGE', value: (change) => change.type },
  { header: 'ATTRIBUTES', value: (change) => change.changedAttributes?.join(',') },
  { header: 'IDP', value: (change) => change.request?.idp },
  { header: 'REQUEST', value: (change) => (change.request === null ? change.requestId : `${change.request.method} ${change.request.path}`) },
  { header: 'REQUEST ID', value: (change) => change.requestId },
];

export function registerRequestLogCommands(program: Command, { withCliContext }: CliContexts): void {
  program
    .command('requests')
    .description("A tenant's SCIM request log, newest last: what the identity provider sent and what it was answered")
    .argument('[requestId]', 'show one request in full: redacted bodies and the events it wrote')
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .option('-s, --status <status>', 'a status (404) or a class (4xx, 5xx)')
    .option('--since <time>', 'from this time: ISO 8601 with a zone, or a duration back from now (15m, 2h, 7d)')
    .option('--until <time>', 'before this time, in the same forms')
    .option('--method <method>', 'GET, POST, PUT, PATCH or DELETE')
    .option('--path <prefix>', 'a prefix of the URL path, e.g. /scim/v2/Users')
    .option('--resource-id <id>', 'the User or Group the request touched')
    .option('--idp <name>', 'the identity provider: Okta, Entra ID, Google Workspace, OneLogin, JumpCloud, …')
    .option('-n, --limit <n>', 'how many of the latest requests to show', parsePositiveInteger, 50)
    .option('-f, --follow', 'keep printing requests as they arrive (Ctrl-C stops)')
    .option('--interval <duration>', 'how often --follow looks for new requests', parseDuration, 1000)
    .option('--json', 'print JSON (with --follow: one JSON object per line)')
    .action(async (requestId: string | undefined, options: RequestsOptions) =>
      withCliContext(async (context) => {
        await context.services.tenants.get(options.tenant);
        const service = context.services.requestLog;
        if (requestId !== undefined) {
          const { entry, events } = await service.get(options.tenant, requestId);
          if (options.json) return printJson({ ...entryView(entry, true), events });
          const { requestBody, responseBody, ...summary } = entryView(entry, true);
          print(formatFields(Object.entries(summary)));
          print(`\nrequest body:\n${printable(requestBody)}\n\nresponse body:\n${printable(responseBody)}`);
          print(`\nevents: ${events.length === 0 ? 'none' : events.map((event) => `#${event.sequence} ${event.type} ${event.resourceId}`).join(', ')}`);
          return;
        }
        const filters = filtersOf(options);
        const latest = await service.list(options.tenant, { ...filters, limit: Math.min(options.limit, 1000) });
        // Printed oldest first, like a log file, so --follow continues below.
        const shown = [...latest.entries].reverse();
        if (options.json && !options.follow) return printJson({ entries: shown.map((entry) => entryView(entry, false)) });
        const emit = (entry: StoredRequestLogEntry) => print(options.json ? JSON.stringify(entryView(entry, false)) : formatRequestLine(entry));
        shown.forEach(emit);
        if (!options.follow) {
          if (shown.length === 0) print(`No request in tenant "${options.tenant}"'s log matches.`);
          return;
        }
        await follow(options, async (cursor) => {
          const page = await service.list(options.tenant, { ...filters, order: 'oldest', cursor, limit: 1000 });
          page.entries.forEach(emit);
          return page.nextCursor;
        }, latest.entries[0]?.position);
      }),
    );
}

/** Polls from just after the newest entry shown until SIGINT or SIGTERM, then returns (the store closes normally). */
async function follow(options: RequestsOptions, poll: (cursor: string) => Promise<string | null>, newestShown: number | undefined): Promise<void> {
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // From just after the newest entry printed; with none printed, none matched so far, so from the start.
    let cursor = encodeRequestLogCursor('oldest', newestShown ?? 0);
    while (!stop.signal.aborted) {
      await delay(options.interval, undefined, { signal: stop.signal }).catch(() => undefined);
      if (stop.signal.aborted) break;
      cursor = (await poll(cursor)) ?? cursor;
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `scimitar users history <id>`: added to the existing `users` command. */
export function registerUserHistoryCommand(users: Command, { withCliContext }: CliContexts): void {
  users
    .command('history')
    .description("A User's changes from the events, each with the request and identity provider that made it (\"why was Jane deactivated?\")")
    .argument('<id>', "the User's id")
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .option('--json', 'print JSON')
    .action(async (id: string, options: { tenant: string; json?: boolean }) =>
      withCliContext(async (context) => {
        await context.services.tenants.get(options.tenant);
        const changes: HistoryChange[] = [];
        let after = 0;
        for (;;) {
          const page = await context.services.requestLog.userHistory(options.tenant, id, after, 1000);
          changes.push(...page.changes);
          if (page.nextAfter === null) break;
          after = page.nextAfter;
        }
        if (options.json) return printJson({ changes });
        if (changes.length === 0) return print(`No retained change of User "${id}".`);
        print(formatTable(changes, HISTORY_COLUMNS));
      }),
    );
}
