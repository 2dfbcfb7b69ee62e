import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStateFile } from './state-file.js';

describe('STATE_FILE', () => {
  const directory = mkdtempSync(path.join(tmpdir(), 'session-revocation-'));
  afterEach(() => rmSync(directory, { recursive: true, force: true }));

  it('keeps sessions and applied events across a restart, and never stores a session token', async () => {
    const file = path.join(directory, 'state.json');
    const before = openStateFile(file);
    const kept = await before.sessions.open('u1');
    const revoked = await before.sessions.open('u2');
    await before.sessions.revokeAll('u2');
    expect(await before.ledger.claim('evt_1')).toBe(true);
    await before.ledger.recordApplied({ tenant: 'acme', resourceType: 'User', resourceId: 'u1' }, 1);
    expect(readFileSync(file, 'utf8')).not.toContain(kept);

    const after = openStateFile(file);
    expect(await after.sessions.userOf(kept)).toBe('u1');
    expect(await after.sessions.userOf(revoked)).toBeUndefined();
    expect(await after.ledger.claim('evt_1')).toBe(false);
    expect(await after.ledger.lastAppliedFor({ tenant: 'acme', resourceType: 'User', resourceId: 'u1' })).toBe(1);
  });
});
