/**
 * What better-auth needs to know about provisioning, as a better-auth plugin:
 * the columns that tie its `user` rows to Scimitar's Users (created by
 * better-auth's own migrations with the rest of its schema), and the rule
 * that a deactivated user gets no new session, whichever way they try to
 * sign in.
 */
import { APIError, type BetterAuthPlugin } from 'better-auth';

export const DEACTIVATED_CODE = 'ACCOUNT_DEACTIVATED';

export function scimProvisioning() {
  return {
    id: 'scim-provisioning',
    schema: {
      user: {
        fields: {
          // input: false everywhere: only the sync writes these, never a sign-up or profile update request.
          // Scimitar's id of the User this account mirrors (null for an account the app made itself).
          scimUserId: { type: 'string', required: false, unique: true, input: false },
          // The sequence of the last event whose User snapshot was applied: older or repeated events are skipped.
          scimSequence: { type: 'number', required: false, input: false, returned: false },
          // The sequence of the last user.roles_changed applied, kept apart because only that event carries roles.
          rolesSequence: { type: 'number', required: false, input: false, returned: false },
          // False while the identity provider has the user deactivated: no session is opened for them.
          active: { type: 'boolean', required: false, defaultValue: true, input: false },
          // The app's roles, from Scimitar's group → role mapping, in precedence order.
          roles: { type: 'string[]', required: false, defaultValue: [], input: false },
        },
      },
      // A deleted User leaves its last sequence here, so a late or replayed event about it
      // cannot bring the account back once the user row is gone.
      scimDeletedUser: {
        fields: {
          scimUserId: { type: 'string', required: true, unique: true },
          sequence: { type: 'number', required: true },
        },
      },
    },
    init(context) {
      return {
        options: {
          databaseHooks: {
            session: {
              create: {
                async before(session) {
                  const user = await context.internalAdapter.findUserById(session.userId);
                  // Sessions already open were deleted by the sync; this keeps new ones from being made.
                  if ((user as { active?: boolean } | null)?.active === false) {
                    throw APIError.from('FORBIDDEN', { message: 'This account is deactivated by your organisation', code: DEACTIVATED_CODE });
                  }
                },
              },
            },
          },
        },
      };
    },
  } satisfies BetterAuthPlugin;
}
