/**
 * The `scimitar` command. Each sub-command is a thin caller of the same
 * services the HTTP server uses, on the configured database.
 *
 * An app that embeds Scimitar with its own schema extensions runs the
 * command through `runCli(argv, options)` with the options it gives
 * createScimitar, so the commands see the attributes its server has.
 *
 * Exit codes: 0 success, 1 the operation failed (its reason on stderr),
 * 2 bad usage or configuration.
 */
import { Command, CommanderError } from 'commander';
import { buildSchemaRegistry, type SchemaOptions } from '../app/schema-registry.js';
import { ConfigError } from '../config/config.js';
import { isScimError } from '../core/errors/scim-error.js';
import { registerAccessReportCommand } from './access-report.js';
import { registerAdminKeyCommands } from './admin-keys.js';
import { registerCheckCommand } from './check.js';
import { registerBackupCommand } from './backup.js';
import { cliContexts } from './cli-context.js';
import { CommandFailed, EXIT_FAILURE, EXIT_USAGE, UsageError } from './cli-errors.js';
import { registerDirectoryCommands } from './directory.js';
import { migrateCommand } from './migrate.js';
import { registerRequestLogCommands } from './requests.js';
import { registerSchemaCommands } from './schemas.js';
import { registerRoleCommands } from './roles.js';
import { registerSeedCommand } from './seed.js';
import { registerSetupLinkCommands } from './setup-links.js';
import { startCommand } from './start.js';
import { registerDeletionCommands } from './deletion.js';
import { registerTenantCommands } from './tenants.js';
import { registerTokenCommands } from './tokens.js';
import { registerOAuthClientCommands } from './oauth-clients.js';
import { registerWebhookCommands } from './webhooks.js';
import { registerConsumerCommands } from './consumers.js';

/** What a run of the command is given besides its arguments: the schemas of the server it manages. */
export type CliOptions = SchemaOptions;

function buildProgram(options: CliOptions): Command {
  const contexts = cliContexts(options);
  const program = new Command()
    .name('scimitar')
    .description('SCIM 2.0 provisioning server (RFC 7643 / RFC 7644). Configuration comes from the environment; see the README.')
    .exitOverride()
    .showHelpAfterError();

  program
    .command('start')
    .description('Start the SCIM server (PORT, HOST, DATABASE_URL, SCIMITAR_TOKEN, SCIMITAR_PUBLIC_URL, …)')
    .option('-p, --port <port>', 'port to listen on (overrides PORT)')
    .option('--host <host>', 'address to bind (overrides HOST)')
    .action((startOptions) => startCommand(startOptions, options));

  program
    .command('migrate')
    .description('Apply pending database schema migrations (start also applies them)')
    .option('--json', 'print JSON for scripts')
    .option(
      '--rename-tables-to-prefix <prefix>',
      'then move the tables from SCIMITAR_DB_TABLE_PREFIX (default: none) to this prefix, e.g. scim_ (stop every instance first; set the new prefix before starting them)',
    )
    .action((migrateOptions) => migrateCommand(migrateOptions, options));

  registerTenantCommands(program, contexts);
  registerTokenCommands(program, contexts);
  registerSetupLinkCommands(program, contexts);
  registerOAuthClientCommands(program, contexts);
  registerWebhookCommands(program, contexts);
  registerConsumerCommands(program, contexts);
  registerDeletionCommands(program, contexts);
  // The app's own resource types get commands too (`scimitar devices list` …).
  registerDirectoryCommands(program, contexts, buildSchemaRegistry(options).types.all);
  registerRequestLogCommands(program, contexts);
  registerAdminKeyCommands(program, contexts);
  registerSeedCommand(program, contexts);
  registerCheckCommand(program);
  registerAccessReportCommand(program, contexts);
  registerSchemaCommands(program, contexts);
  registerRoleCommands(program, contexts);
  registerBackupCommand(program);
  return program;
}

function fail(message: string, exitCode: number): void {
  process.stderr.write(`scimitar: ${message}\n`);
  process.exitCode = exitCode;
}

/** Runs the command line `argv` (as process.argv: node, script, arguments…); the outcome is in process.exitCode. */
export async function runCli(argv: readonly string[], options: CliOptions = {}): Promise<void> {
  try {
    await buildProgram(options).parseAsync([...argv]);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has printed its message; help and --version exit 0, every other parse error is bad usage.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_USAGE;
    } else if (error instanceof ConfigError || error instanceof UsageError) {
      fail(error.message, EXIT_USAGE);
    } else if (isScimError(error) || error instanceof CommandFailed) {
      // A refusal by the service (not found, invalid value, taken id): its detail says why.
      fail(isScimError(error) ? error.detail : error.message, EXIT_FAILURE);
    } else {
      fail((error as Error).message, EXIT_FAILURE);
    }
  }
}
