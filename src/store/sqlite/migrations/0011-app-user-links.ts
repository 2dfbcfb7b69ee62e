import type { Migration } from './migration.js';

/**
 * Which of the embedding app's own users a SCIM User is (the app's
 * `linkExistingUser` rule, or its write-through hook, decides): one app
 * user per SCIM User and one SCIM User per app user within a tenant, so an
 * identity provider can never reach two app accounts through one User, nor
 * one account through two. The link is removed in the
 * transaction that deletes the User, after its `user.deleted` event has
 * been given the app user id (a cascade would remove it before).
 */
export const appUserLinksMigration: Migration = {
  version: 11,
  name: 'app-user-links',
  up: `
CREATE TABLE app_user_links (
  tenant_id TEXT NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  app_user_id TEXT NOT NULL,
  PRIMARY KEY (tenant_id, user_id)
);
CREATE UNIQUE INDEX app_user_links_app_user ON app_user_links (tenant_id, app_user_id);
`,
};
