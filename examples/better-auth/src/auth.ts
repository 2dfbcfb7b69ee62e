/**
 * The app's authentication: better-auth with email and password, sessions
 * in its own tables, and the provisioning plugin. Accounts come only from
 * the identity provider (sign-up is off); a provisioned user gets a random
 * password nobody knows and chooses their own through better-auth's
 * password reset.
 */
import { betterAuth, type BetterAuthOptions } from 'better-auth';
import { getMigrations } from 'better-auth/db/migration';
import type { AuthDatabase } from './auth-database.js';
import { scimProvisioning } from './provisioning-plugin.js';

/** A password-reset message: where the app would send an email. */
export interface PasswordResetMail {
  readonly email: string;
  readonly url: string;
  readonly token: string;
}

export interface AuthOptions {
  readonly database: AuthDatabase;
  /** Where the app is reached, e.g. `http://127.0.0.1:3000` (better-auth builds links and checks origins with it). */
  readonly baseURL: string;
  /** Signs better-auth's cookies and tokens: at least 32 characters. */
  readonly secret: string;
  /** Delivers password-reset messages (the example prints them). */
  readonly sendPasswordReset: (mail: PasswordResetMail) => Promise<void>;
}

export function createAuth(options: AuthOptions) {
  return betterAuth({
    database: options.database.connection as BetterAuthOptions['database'],
    baseURL: options.baseURL,
    secret: options.secret,
    emailAndPassword: {
      enabled: true,
      // The identity provider decides who has an account.
      disableSignUp: true,
      sendResetPassword: ({ user, url, token }) => options.sendPasswordReset({ email: user.email, url, token }),
      revokeSessionsOnPasswordReset: true,
    },
    // No cookie cache and no secondary storage: a session is valid only while its row exists,
    // so deleting the rows signs the user out everywhere at once.
    session: { cookieCache: { enabled: false } },
    telemetry: { enabled: false },
    plugins: [scimProvisioning()],
  });
}

export type Auth = ReturnType<typeof createAuth>;

/** Creates or completes better-auth's tables (user, session, account, verification, and the plugin's) with its own migrations. */
export async function migrateAuth(auth: Auth): Promise<void> {
  const { runMigrations } = await getMigrations(auth.options);
  await runMigrations();
}
