/**
 * `scimitar check <url> --token …`: does a deployed SCIM base URL work for
 * Okta and Entra ID? Talks only SCIM to the URL (no database, no admin API),
 * so it checks any SCIM server. Exit code 0 when every step passed, 1 when
 * one failed (for CI), 2 for bad usage.
 */
import { Option, type Command } from 'commander';
import { formatReport, formatStep } from '../check/format-report.js';
import { IDP_NAMES, type IdpName } from '../check/idp-profiles.js';
import { runCheck } from '../check/run-check.js';
import { EXIT_FAILURE, UsageError } from './cli-errors.js';
import { print, printJson } from './output.js';

interface CheckCommandOptions {
  readonly token?: string;
  readonly idp: 'okta' | 'entra' | 'all';
  readonly json?: boolean;
  readonly timeout: string;
}

function parseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`"${value}" is not a URL (e.g. https://scim.example.com/t/acme/scim/v2)`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`${url.protocol} URLs cannot be checked: use http or https`);
  if (url.search !== '' || url.hash !== '') throw new UsageError('Give the SCIM base URL without a query or fragment');
  // The URL is printed in the report; credentials belong in --token.
  if (url.username !== '' || url.password !== '') throw new UsageError('Give the SCIM base URL without a user name or password; the token goes in --token');
  return url.toString();
}

export function registerCheckCommand(program: Command): void {
  program
    .command('check')
    .description('Call a deployed SCIM base URL the way Okta and Entra ID do and report what they would conclude (any SCIM server)')
    .argument('<url>', 'SCIM base URL, e.g. https://scim.example.com/t/acme/scim/v2')
    .option('--token <token>', 'bearer token the identity provider uses (or SCIMITAR_CHECK_TOKEN)')
    .addOption(new Option('--idp <idp>', 'which identity provider to imitate').choices(['okta', 'entra', 'all']).default('all'))
    .option('--timeout <ms>', 'time allowed per request, in milliseconds', '15000')
    .option('--json', 'print the report as JSON (progress still goes to stderr)')
    .action(async (rawUrl: string, options: CheckCommandOptions) => {
      const url = parseBaseUrl(rawUrl);
      // The environment keeps the token out of shell history and process listings.
      const token = options.token ?? process.env['SCIMITAR_CHECK_TOKEN'];
      if (token === undefined || token === '') throw new UsageError('Give the bearer token with --token or SCIMITAR_CHECK_TOKEN');
      const timeoutMs = Number(options.timeout);
      if (!Number.isSafeInteger(timeoutMs) || timeoutMs <= 0) throw new UsageError('--timeout takes a positive number of milliseconds');
      const idps: readonly IdpName[] = options.idp === 'all' ? IDP_NAMES : [options.idp];

      // Ctrl-C stops the run but not the clean-up of the throwaway user; a second Ctrl-C exits at once.
      const interruption = new AbortController();
      const onSigint = () => {
        if (interruption.signal.aborted) process.exit(130);
        process.stderr.write('\nInterrupted: removing the throwaway user…\n');
        interruption.abort();
      };
      process.on('SIGINT', onSigint);
      try {
        const report = await runCheck({ url, token, idps, timeoutMs, signal: interruption.signal, onStep: (step) => process.stderr.write(`${formatStep(step)}\n`) });
        if (options.json) printJson(report);
        else print(formatReport(report));
        if (report.interrupted) process.exitCode = 130;
        else if (!report.ok) process.exitCode = EXIT_FAILURE;
      } finally {
        process.off('SIGINT', onSigint);
      }
    });
}
