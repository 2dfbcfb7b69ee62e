/**
 * The real Scimitar server, built by the same composition root as
 * `scimitar start` from the same environment settings (DATABASE_URL,
 * SCIMITAR_TOKEN, SCIMITAR_LOG_LEVEL, …); only the start-up banner is left
 * out, and the address is announced for the orchestrator. The delivery
 * scenarios' webhook or consumer is set up here (delivery-target.ts).
 */
import { createScimitar } from '../../src/app/scimitar.js';
import { loadConfig } from '../../src/config/config.js';
import { setUpDeliveryTarget } from './delivery-target.js';
import { announceReady, exitOnSignals } from './lifecycle.js';

const config = loadConfig(process.env);
const scimitar = await createScimitar(config);
await setUpDeliveryTarget(scimitar, process.env);
const address = await scimitar.app.listen({ port: config.port, host: config.host });
exitOnSignals(() => scimitar.close());
announceReady(address);
