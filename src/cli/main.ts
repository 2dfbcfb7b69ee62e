#!/usr/bin/env node
/**
 * The `scimitar` command. Each sub-command is a thin caller of the same
 * composition root the HTTP server uses.
 */
import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/config.js';
import { migrateCommand } from './migrate.js';
import { startCommand } from './start.js';
import { tokensCreateCommand } from './tokens.js';

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
  .action(startCommand);

program
  .command('migrate')
  .description('Apply pending database schema migrations (start also applies them)')
  .option('--json', 'print JSON for scripts')
  .action(migrateCommand);

const tokens = program.command('tokens').description('Manage bearer tokens of the default directory');
tokens
  .command('create')
  .description('Create a new bearer token and print it once (only its hash is stored)')
  .option('-n, --name <name>', 'a name to recognise the token by', 'cli token')
  .option('--json', 'print JSON for scripts')
  .action(tokensCreateCommand);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode;
  } else if (error instanceof ConfigError) {
    process.stderr.write(`scimitar: ${error.message}\n`);
    process.exitCode = 2;
  } else {
    process.stderr.write(`scimitar: ${(error as Error).message}\n`);
    process.exitCode = 1;
  }
}
