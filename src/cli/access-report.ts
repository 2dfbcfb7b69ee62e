/**
 * `scimitar access-report`: the admin API's access report from the
 * command line, read straight from the database. The report goes to
 * standard output or --output; progress and the event sequence it reflects
 * go to standard error, so the report itself stays clean for a pipe.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import type { Writable } from 'node:stream';
import { InvalidArgumentError, type Command } from 'commander';
import { DEFAULT_TENANT_ID } from '../app/scimitar.js';
import { formatAccessReport, type AccessReportFormat } from '../reports/access-report-format.js';
import { parseTenantId } from './arguments.js';
import type { CliContexts } from './cli-context.js';
import { plural } from './output.js';

interface AccessReportOptions {
  readonly tenant: string;
  readonly format: AccessReportFormat;
  readonly output?: string;
}

/** Without a terminal (a log file, CI), a progress line per this many users, not one per page. */
const PROGRESS_LINE_EVERY = 10_000;

function parseFormat(value: string): AccessReportFormat {
  if (value !== 'csv' && value !== 'json') throw new InvalidArgumentError('Use csv or json.');
  return value;
}

async function write(destination: Writable, chunk: string): Promise<void> {
  if (!destination.write(chunk)) await once(destination, 'drain');
}

export function registerAccessReportCommand(program: Command, { withCliContext }: CliContexts): void {
  program
    .command('access-report')
    .description('Export every User of a tenant with its state and groups (direct and inherited) at one point in time, as CSV or JSON Lines')
    .option('-t, --tenant <tenant>', 'tenant id', parseTenantId, DEFAULT_TENANT_ID)
    .option('--format <format>', 'csv (RFC 4180) or json (JSON Lines)', parseFormat, 'csv' as AccessReportFormat)
    .option('-o, --output <file>', 'write the report to this file instead of standard output')
    .action(async (options: AccessReportOptions) => {
      await withCliContext(async (context) => {
        const report = await context.services.accessReports.open(options.tenant);
        const progress = process.stderr;
        const onTerminal = progress.isTTY === true;
        progress.write(`Access report of tenant "${report.tenantId}" as of event sequence ${report.eventSequence} (follow the feed with after=${report.eventSequence})\n`);
        const destination: Writable = options.output !== undefined ? createWriteStream(options.output) : process.stdout;
        let reported = 0;
        const onPage = (users: number) => {
          if (onTerminal) progress.write(`\r${plural(users, 'user')} exported`);
          else if (users - reported >= PROGRESS_LINE_EVERY) {
            reported = users;
            progress.write(`${plural(users, 'user')} exported\n`);
          }
        };
        let users = 0;
        for await (const chunk of formatAccessReport(report, options.format, (count) => {
          users = count;
          onPage(count);
        })) {
          await write(destination, chunk);
        }
        if (options.output !== undefined) {
          destination.end();
          await once(destination, 'finish');
        }
        if (onTerminal && users > 0) progress.write('\n');
        progress.write(`Exported ${plural(users, 'user')}${options.output !== undefined ? ` to ${options.output}` : ''}.\n`);
      });
    });
}
