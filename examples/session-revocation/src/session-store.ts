/**
 * The host app's sessions. This example keeps them in memory (optionally
 * saved to a JSON file, see state-file.ts); a real app has them in its own
 * database or cache — only this interface changes hands.
 */
import { createHash, randomBytes } from 'node:crypto';

export interface SessionStore {
  /** Opens a session for a user (its SCIM `id`); returns the session's bearer token. */
  open(userId: string): Promise<string>;
  /** The user a token's session belongs to; undefined for an unknown or revoked token. */
  userOf(token: string): Promise<string | undefined>;
  /** Ends every session of a user; returns how many there were. */
  revokeAll(userId: string): Promise<number>;
}

/** A session as kept: the token itself is never stored, only its SHA-256. */
export interface StoredSession {
  readonly tokenHash: string;
  readonly userId: string;
  readonly openedAt: string;
}

function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export class MemorySessionStore implements SessionStore {
  private readonly sessions = new Map<string, StoredSession>();
  private readonly onChange: () => void;

  constructor(options: { readonly initial?: readonly StoredSession[]; readonly onChange?: () => void } = {}) {
    for (const session of options.initial ?? []) this.sessions.set(session.tokenHash, session);
    this.onChange = options.onChange ?? (() => undefined);
  }

  async open(userId: string): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    this.sessions.set(hashToken(token), { tokenHash: hashToken(token), userId, openedAt: new Date().toISOString() });
    this.onChange();
    return token;
  }

  async userOf(token: string): Promise<string | undefined> {
    return this.sessions.get(hashToken(token))?.userId;
  }

  async revokeAll(userId: string): Promise<number> {
    let revoked = 0;
    for (const [tokenHash, session] of this.sessions) {
      if (session.userId === userId) {
        this.sessions.delete(tokenHash);
        revoked += 1;
      }
    }
    if (revoked > 0) this.onChange();
    return revoked;
  }

  snapshot(): StoredSession[] {
    return [...this.sessions.values()];
  }
}
