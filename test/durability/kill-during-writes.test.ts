/**
 * Acknowledged means saved: a real SQLite-backed server is SIGKILLed while
 * eight clients create users, and every user it answered 201 for is in the
 * database afterwards, as it was acknowledged. A process crash loses nothing
 * with either SCIMITAR_SQLITE_SYNCHRONOUS setting (the WAL is in the
 * operating system's hands once written); with the default `full`, each
 * commit is also synced to disk before the answer, which is what a power cut
 * needs (see the README's configuration table).
 */
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { createDatabase, openDatabase, processEnv, startInstance, stopInstance, TOKEN, type Instance, type TestDatabase } from '../webhooks/processes.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const WRITERS = 8;

describe.each(['full (the default)', 'normal'])('SIGKILL during writes, SQLite synchronous = %s', (setting) => {
  let database: TestDatabase | undefined;
  let instance: Instance | undefined;

  afterEach(async () => {
    if (instance) await stopInstance(instance, 'SIGKILL');
    await database?.drop();
  });

  it('keeps every user the server answered 201 for', { timeout: 120_000 }, async () => {
    database = await createDatabase('sqlite');
    const extra: Record<string, string> = setting === 'normal' ? { SCIMITAR_SQLITE_SYNCHRONOUS: 'normal' } : {};
    const running = await startInstance(processEnv(database.url, extra));
    instance = running;
    const acknowledged = new Map<string, string>();
    let killed = false;
    const writers = Array.from({ length: WRITERS }, async (_, writer) => {
      for (let index = 0; !killed; index += 1) {
        const userName = `kill-${writer}-${index}@example.com`;
        try {
          const response = await fetch(`${running.baseUrl}/Users`, {
            method: 'POST',
            headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/scim+json' },
            body: JSON.stringify({ schemas: [USER], userName, displayName: `Writer ${writer}` }),
          });
          if (response.status === 201) acknowledged.set(((await response.json()) as { id: string }).id, userName);
        } catch {
          // The connection died with the process: this request was never acknowledged.
        }
      }
    });
    await delay(1500);
    killed = true;
    await stopInstance(running, 'SIGKILL');
    await Promise.all(writers);
    expect(acknowledged.size).toBeGreaterThan(0);

    const store = await openDatabase(database.url);
    try {
      for (const [id, userName] of acknowledged) {
        const stored = await store.reader.getResource('default', 'User', id);
        expect(stored?.attributes['userName'], userName).toBe(userName);
      }
    } finally {
      await store.close();
    }
  });
});
