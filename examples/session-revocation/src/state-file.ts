/**
 * Optional persistence for the example (`STATE_FILE`): the sessions and the
 * event ledger saved to one JSON file after every change, so that stopping
 * and starting the receiver forgets neither the sessions nor which events
 * were applied. Whole-file rewrites are fine for a demo's handful of rows;
 * a real app uses its database.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { type LedgerSnapshot, MemoryEventLedger } from './event-ledger.js';
import { MemorySessionStore, type StoredSession } from './session-store.js';

interface StateFileContents {
  readonly sessions: readonly StoredSession[];
  readonly ledger: LedgerSnapshot;
}

export interface FileBackedState {
  readonly sessions: MemorySessionStore;
  readonly ledger: MemoryEventLedger;
}

export function openStateFile(file: string): FileBackedState {
  const saved = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as StateFileContents) : undefined;
  const save = () => {
    const contents: StateFileContents = { sessions: sessions.snapshot(), ledger: ledger.snapshot() };
    // Written aside then renamed over: a crash mid-write never leaves half a file.
    writeFileSync(`${file}.tmp`, JSON.stringify(contents), { mode: 0o600 });
    renameSync(`${file}.tmp`, file);
  };
  const sessions: MemorySessionStore = new MemorySessionStore({ initial: saved?.sessions ?? [], onChange: save });
  const ledger: MemoryEventLedger = new MemoryEventLedger({ ...(saved ? { initial: saved.ledger } : {}), onChange: save });
  return { sessions, ledger };
}
