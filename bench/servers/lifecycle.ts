/**
 * What every benchmark server process does the same way: announce its URL
 * on stdout as one JSON line (the orchestrator waits for it), and exit
 * cleanly on SIGTERM/SIGINT — `node --cpu-prof` writes its profile only on
 * a normal exit, which a signal's default action is not.
 */
export const READY_PREFIX = 'BENCH_SERVER_READY ';

export interface ReadyMessage {
  readonly url: string;
}

export function announceReady(url: string): void {
  const message: ReadyMessage = { url };
  process.stdout.write(`${READY_PREFIX}${JSON.stringify(message)}\n`);
}

export function exitOnSignals(close: () => Promise<void>): void {
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`error while closing: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
