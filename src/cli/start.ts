import { describeDatabase } from '../app/open-store.js';
import type { SchemaOptions } from '../app/schema-registry.js';
import { createScimitar } from '../app/scimitar.js';
import { loadConfig } from '../config/config.js';
import { SCIM_PREFIX } from '../http/app.js';

export interface StartOptions {
  readonly port?: string;
  readonly host?: string;
}

export async function startCommand(options: StartOptions, schemaOptions: SchemaOptions = {}): Promise<void> {
  const config = loadConfig({
    ...process.env,
    ...(options.port !== undefined ? { PORT: options.port } : {}),
    ...(options.host !== undefined ? { HOST: options.host } : {}),
  });
  const scimitar = await createScimitar(config, schemaOptions);
  const address = await scimitar.app.listen({ port: config.port, host: config.host });
  const listeningPort = new URL(address).port || String(config.port);
  const metricsAddress = await scimitar.listenMetrics();
  const scimUrl = config.publicUrl !== undefined ? `${config.publicUrl}${SCIM_PREFIX}` : `http://localhost:${listeningPort}${SCIM_PREFIX}`;

  const lines = [
    '',
    `Scimitar is serving SCIM 2.0 at ${scimUrl}`,
    `Operator console: ${scimUrl.slice(0, -SCIM_PREFIX.length)}/console (sign in with an admin key from \`npx scimitar admin-keys create --name <you>\`)`,
    `Database: ${describeDatabase(config.database)}`,
  ];
  if (metricsAddress !== undefined) lines.push(`Prometheus metrics (no authentication: keep this address private): ${metricsAddress}/metrics`);
  if (scimitar.generatedToken !== undefined) {
    lines.push(
      '',
      'A bearer token was generated for this directory. It is shown only this once (only its hash is stored):',
      '',
      `  ${scimitar.generatedToken}`,
      '',
      'Try it:',
      `  curl -H "Authorization: Bearer ${scimitar.generatedToken}" ${scimUrl}/Users`,
    );
  } else if (config.token !== undefined) {
    lines.push('Authentication: the bearer token from SCIMITAR_TOKEN (and any stored tokens).');
  } else {
    lines.push(
      'Authentication: bearer tokens stored (hashed) in the database; they were shown when created.',
      'Lost it? Run `npx scimitar tokens create` for a new one, or start with SCIMITAR_TOKEN=<secret>.',
    );
  }
  if (scimitar.secret.source === 'generated' && scimitar.secret.file !== undefined) {
    lines.push('', `A server secret was generated at ${scimitar.secret.file}: it keys the token hashes, so back it up with the database.`);
  }
  lines.push(
    '',
    'One directory per customer: `npx scimitar tenants create <slug>` prints its SCIM URL (/t/<slug>/scim/v2) and a token.',
  );
  process.stdout.write(`${lines.join('\n')}\n\n`);

  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    scimitar.app.log.info({ signal }, 'shutting down: draining in-flight requests');
    scimitar.close().then(
      () => process.exit(0),
      (error: unknown) => {
        scimitar.app.log.error({ err: error }, 'error during shutdown');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
