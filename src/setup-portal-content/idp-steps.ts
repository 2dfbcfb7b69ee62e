/**
 * How to connect each identity provider to a tenant, as data for the setup
 * portal: the screens of each provider's admin console in words, the exact
 * names of its fields, which of them take the tenant's SCIM base URL and
 * which the bearer token, and the attribute and group settings to choose.
 * The facts come from docs/idp/*.md, where each is researched with its
 * source; the pages render this, nothing here is HTML.
 */

export type IdpId = 'okta' | 'entra-id' | 'google-workspace' | 'onelogin' | 'jumpcloud' | 'generic';

/** What goes into a field: the tenant's SCIM base URL, the token the portal generated, or fixed text to type or choose. */
export type FieldValue = { readonly kind: 'baseUrl' } | { readonly kind: 'token' } | { readonly kind: 'text'; readonly text: string };

export interface SetupField {
  /** The field's label exactly as the provider's console shows it. */
  readonly label: string;
  readonly value: FieldValue;
  readonly note?: string;
}

export interface SetupStep {
  readonly title: string;
  /** Where the screen is: the menu path in the provider's console. */
  readonly location: string;
  /** The screen in words, for someone who has not seen it before. */
  readonly description: string;
  readonly fields: readonly SetupField[];
}

export interface AttributeSetting {
  readonly scimAttribute: string;
  /** The provider's own attribute or property that fills it. */
  readonly source: string;
  readonly note?: string;
}

export interface IdpSetupGuide {
  readonly id: IdpId;
  /** The provider's name as people say it. */
  readonly name: string;
  /** How the request log names the provider (src/request-log/idp.ts); null for generic clients. */
  readonly requestLogName: string | null;
  /** The field the SCIM base URL goes in, and the one the token goes in (also named in the steps). */
  readonly baseUrlField: string;
  readonly tokenField: string;
  readonly summary: string;
  readonly before: readonly string[];
  readonly steps: readonly SetupStep[];
  readonly attributes: readonly AttributeSetting[];
  /** How groups reach the directory, and what to choose for them. */
  readonly groups: string;
  /** What the provider's connection test sends, so the live check can be read against it. */
  readonly connectionTest: string;
  readonly notes: readonly string[];
  /** The page of this repository with the details and their sources. */
  readonly reference: string;
}

const BASE_URL: FieldValue = { kind: 'baseUrl' };
const TOKEN: FieldValue = { kind: 'token' };
const text = (value: string): FieldValue => ({ kind: 'text', text: value });

const okta: IdpSetupGuide = {
  id: 'okta',
  name: 'Okta',
  requestLogName: 'Okta',
  baseUrlField: 'SCIM connector base URL',
  tokenField: 'Authorization',
  summary: 'Okta provisions users, and groups through Group Push, from an app integration with SCIM provisioning.',
  before: ['An Okta admin account that can edit applications.', 'An app integration for this service (App Integration Wizard with SCIM, or its Okta Integration Network entry).'],
  steps: [
    {
      title: 'Open the provisioning settings',
      location: 'Your app integration → Provisioning → Integration',
      description: 'The app\'s Provisioning tab lists Integration, To App and To Okta on the left. Integration holds the connection.',
      fields: [
        { label: 'SCIM connector base URL', value: BASE_URL },
        { label: 'Unique identifier field for users', value: text('userName') },
        { label: 'Supported provisioning actions', value: text('Push New Users, Push Profile Updates, Push Groups'), note: 'Import New Users and Profile Updates and Import Groups work too.' },
        { label: 'Authentication Mode', value: text('HTTP Header') },
        { label: 'Authorization', value: TOKEN, note: 'Okta sends it as "Authorization: Bearer <token>".' },
      ],
    },
    {
      title: 'Test and save the connection',
      location: 'Provisioning → Integration',
      description: 'Below the fields, "Test Connector Configuration" checks the URL and token; then Save. The live check on this page shows each request Okta sends during the test.',
      fields: [],
    },
    {
      title: 'Choose what Okta may do',
      location: 'Provisioning → To App',
      description: 'A list of provisioning features, each with a checkbox: enable the three below and save.',
      fields: [
        { label: 'Create Users', value: text('Enable') },
        { label: 'Update User Attributes', value: text('Enable') },
        { label: 'Deactivate Users', value: text('Enable') },
        { label: 'Sync Password', value: text('Leave off'), note: 'Only for applications that sign users in with SCIM passwords.' },
      ],
    },
    {
      title: 'Push groups',
      location: 'Push Groups tab of the app',
      description: 'Click "Push Groups" and pick the groups whose membership the application needs; each pushed group is created here with its members.',
      fields: [],
    },
  ],
  attributes: [
    { scimAttribute: 'userName', source: 'Okta username (an email)', note: 'Unique per directory, compared without regard to case.' },
    { scimAttribute: 'name.givenName, name.familyName', source: 'First name, last name' },
    { scimAttribute: 'emails (type work, primary)', source: 'Primary email' },
    { scimAttribute: 'externalId', source: 'Okta user id', note: 'Kept exactly as sent.' },
    { scimAttribute: 'active', source: 'Assignment / user status', note: 'Deactivation sets it to false; Okta never deletes users.' },
  ],
  groups: 'Okta sends groups only through Group Push: push each group the application needs. Membership changes follow as the group changes in Okta.',
  connectionTest: 'Test Connector Configuration lists users (GET /Users?count=1&startIndex=1), looks up a user who does not exist by userName (none found), reads an unknown user id (404, expected) and lists groups.',
  notes: [
    'Custom attributes: add them in Directory → Profile Editor → the app → Add Attribute, with an External namespace of your own (an extension URN), not the core User namespace.',
    'A 409 on create means the userName already exists here; Okta then matches the existing user.',
  ],
  reference: 'docs/idp/okta.md',
};

const entraId: IdpSetupGuide = {
  id: 'entra-id',
  name: 'Microsoft Entra ID',
  requestLogName: 'Entra ID',
  baseUrlField: 'Tenant URL',
  tokenField: 'Secret Token',
  summary: 'Entra ID\'s provisioning service creates, updates, disables and deletes users and groups, in cycles of about 40 minutes.',
  before: ['A role that can manage enterprise applications in the Microsoft Entra admin center.'],
  steps: [
    {
      title: 'Create the application',
      location: 'Microsoft Entra admin center → Enterprise applications → New application → Create your own application',
      description: 'A panel asks for a name and what you want to do: choose "Integrate any other application you don\'t find in the gallery", then Create.',
      fields: [],
    },
    {
      title: 'Enter the connection',
      location: 'Your application → Provisioning → New configuration',
      description: 'The provisioning page asks for the admin credentials: a URL and a token, then "Test Connection".',
      fields: [
        { label: 'Tenant URL', value: BASE_URL },
        { label: 'Secret Token', value: TOKEN, note: 'Do not leave it empty: Entra would then send tokens of its own, which are refused.' },
      ],
    },
    {
      title: 'Test the connection and save',
      location: 'Provisioning → Admin Credentials',
      description: '"Test Connection" looks up a user who does not exist and reads a random group; the live check on this page shows those requests. Then save.',
      fields: [],
    },
    {
      title: 'Review the attribute mappings',
      location: 'Provisioning → Mappings → Provision Microsoft Entra ID Users (and … Groups)',
      description: 'Two mapping lists, one for users and one for groups. Each row maps an Entra attribute to a SCIM attribute; "Matching precedence" marks the attribute Entra looks users up by.',
      fields: [{ label: 'Matching attribute (users)', value: text('userName ← userPrincipalName'), note: 'Keep a matching attribute that is unique per user; do not match on emails[type eq "work"].value.' }],
    },
    {
      title: 'Start provisioning',
      location: 'Your application → Provisioning',
      description: 'Assign the users and groups to provision to the application and turn provisioning on. Entra then provisions in cycles of about 40 minutes; a user unassigned or disabled becomes inactive here.',
      fields: [],
    },
  ],
  attributes: [
    { scimAttribute: 'userName', source: 'userPrincipalName', note: 'The matching attribute by default: Entra looks users up by it before creating them.' },
    { scimAttribute: 'externalId', source: 'objectId or mailNickname' },
    { scimAttribute: 'active', source: 'Switch([IsSoftDeleted], …)', note: 'false when the user is disabled or unassigned.' },
    { scimAttribute: 'emails[type eq "work"].value', source: 'mail' },
    { scimAttribute: 'name.givenName, name.familyName', source: 'givenName, surname' },
    { scimAttribute: 'enterprise manager', source: 'manager', note: 'Sent once the manager is provisioned.' },
  ],
  groups: 'Under Provision Microsoft Entra ID Groups: displayName ← displayName (matching), externalId ← objectId, members ← members.',
  connectionTest: 'Test Connection looks up a user by a random GUID as userName (none found, expected) and reads a random group; saving reads /Schemas.',
  notes: [
    'Entra requires HTTPS with TLS 1.2 and a publicly trusted certificate.',
    'Appending ?aadOptscim062020 to the Tenant URL makes Entra send standard PATCH requests; both forms are accepted, so it is optional.',
    'Custom attributes: Mappings → Show advanced options → Edit attribute list, named with a namespace such as urn:ietf:params:scim:schemas:extension:CustomExtensionName:2.0:User:costCenter.',
  ],
  reference: 'docs/idp/entra-id.md',
};

const googleWorkspace: IdpSetupGuide = {
  id: 'google-workspace',
  name: 'Google Workspace',
  requestLogName: 'Google Workspace',
  baseUrlField: 'Endpoint URL',
  tokenField: 'Access token',
  summary: 'Google Workspace provisions users from a custom SAML app ("Automated user provisioning"); it syncs every few hours.',
  before: ['A Google edition that includes automated provisioning.', 'A custom SAML app for this service in the Admin console.'],
  steps: [
    {
      title: 'Open auto-provisioning',
      location: 'Admin console → Apps → Web and mobile apps → your SAML app → Auto-provisioning',
      description: 'The app\'s page has an "Auto-provisioning" section; opening it starts a short wizard.',
      fields: [
        { label: 'Endpoint URL', value: BASE_URL },
        { label: 'Access token', value: TOKEN },
      ],
    },
    {
      title: 'Check the connection',
      location: 'Auto-provisioning wizard',
      description: 'Click Continue after the URL and token: Google lists users once to check them (the live check on this page shows it).',
      fields: [],
    },
    {
      title: 'Review the mapping, scope and deprovisioning',
      location: 'Auto-provisioning wizard',
      description: 'The wizard then shows the attribute mapping, asks for the scope (organizational units or groups whose members are provisioned) and what to do when a user is suspended, leaves the scope or is deleted.',
      fields: [
        { label: 'Provisioning scope', value: text('The groups or organizational units whose members should get accounts') },
        { label: 'Deprovisioning', value: text('Suspend (deactivate) the user when they are suspended in Google or leave the scope') },
      ],
    },
    {
      title: 'Turn it on',
      location: 'Your SAML app → Auto-provisioning',
      description: 'Switch auto-provisioning to on.',
      fields: [],
    },
  ],
  attributes: [
    { scimAttribute: 'userName', source: 'Primary email', note: 'Unique per directory, compared without regard to case.' },
    { scimAttribute: 'name.givenName, name.familyName', source: 'First name, last name' },
    { scimAttribute: 'emails (type work, primary)', source: 'Primary email' },
    { scimAttribute: 'active', source: 'Suspended status', note: 'A suspended user becomes inactive.' },
  ],
  groups: 'Google provisions users; groups select who is in scope rather than being sent as SCIM groups.',
  connectionTest: 'After the Endpoint URL and token, Google lists users once (GET /Users?count=1).',
  notes: ['Archived users are not covered by automated provisioning.'],
  reference: 'docs/idp/google-workspace.md',
};

const onelogin: IdpSetupGuide = {
  id: 'onelogin',
  name: 'OneLogin',
  requestLogName: 'OneLogin',
  baseUrlField: 'SCIM Base URL',
  tokenField: 'SCIM Bearer Token',
  summary: 'OneLogin provisions users, and groups through rules, with a SCIM Provisioner connector.',
  before: ['An app made from a SCIM v2 connector: "SCIM Provisioner with SAML (SCIM v2 Core)" or "(SCIM v2 Enterprise)". The connectors without "v2" speak SCIM 1.1, which is refused.'],
  steps: [
    {
      title: 'Enter the connection',
      location: 'Applications → your SCIM Provisioner app → Configuration',
      description: 'The Configuration tab holds the API connection: a base URL, a token and the JSON template of a user.',
      fields: [
        { label: 'SCIM Base URL', value: BASE_URL },
        { label: 'SCIM Bearer Token', value: TOKEN },
        { label: 'SCIM JSON Template', value: text("The connector's default template"), note: 'Its userName comes from the scimusername parameter.' },
      ],
    },
    {
      title: 'Turn provisioning on',
      location: 'Provisioning',
      description: 'Enable provisioning and choose what happens when a user is deleted in OneLogin or loses access to the app (suspending keeps the account here, inactive). Enabling it makes OneLogin look up a user who does not exist to check the connection; the live check on this page shows it.',
      fields: [],
    },
    {
      title: 'Parameters and rules',
      location: 'Parameters; Rules',
      description: 'Parameters hold the values the template uses (scimusername, department, …); Rules choose which groups are provisioned.',
      fields: [],
    },
  ],
  attributes: [
    { scimAttribute: 'userName', source: 'Parameter scimusername (the OneLogin username by default)' },
    { scimAttribute: 'name.givenName, name.familyName', source: 'First name, last name' },
    { scimAttribute: 'emails', source: "The user's email" },
    { scimAttribute: 'enterprise manager.value', source: 'Parameter external_manager_id', note: "The manager's id in this directory." },
  ],
  groups: 'Groups are provisioned through Rules on the app: a rule maps OneLogin roles or groups to groups here.',
  connectionTest: 'Enabling provisioning looks up a userName that does not exist (none found, expected).',
  notes: ['A parameter with no value is sent as an empty string and simply not stored.'],
  reference: 'docs/idp/onelogin.md',
};

const jumpcloud: IdpSetupGuide = {
  id: 'jumpcloud',
  name: 'JumpCloud',
  requestLogName: 'JumpCloud',
  baseUrlField: 'Base URL',
  tokenField: 'Token Key',
  summary: 'JumpCloud provisions users and groups with its Custom SCIM identity-management connector, on a SAML application.',
  before: ['A Custom SAML App for this service in the JumpCloud admin portal.'],
  steps: [
    {
      title: 'Enter the connection',
      location: 'SSO → your SAML application → Identity Management',
      description: 'The Identity Management tab asks for the SCIM version, the URL, the token and a test user\'s address.',
      fields: [
        { label: 'SCIM Version', value: text('SCIM 2.0') },
        { label: 'Base URL', value: BASE_URL },
        { label: 'Token Key', value: TOKEN, note: 'Authentication type: Bearer Token.' },
        { label: 'Test User Email', value: text('An address for the test user JumpCloud creates and deletes') },
      ],
    },
    {
      title: 'Test and activate',
      location: 'Identity Management',
      description: '"Test Connection" creates a test user and a test group, then deletes both; every step must succeed (the live check on this page shows them). Then Activate.',
      fields: [],
    },
    {
      title: 'Groups',
      location: 'Identity Management; User Groups tab',
      description: 'Tick "Enable management of User Groups and Group Membership in this application", then bind the user groups to the application under User Groups.',
      fields: [{ label: 'Enable management of User Groups and Group Membership in this application', value: text('Ticked') }],
    },
  ],
  attributes: [
    { scimAttribute: 'userName', source: 'username' },
    { scimAttribute: 'name.givenName, name.familyName', source: 'firstname, lastname' },
    { scimAttribute: 'emails', source: 'email' },
    { scimAttribute: 'active', source: 'Account state', note: 'A suspended or unbound user becomes inactive.' },
  ],
  groups: 'Bound user groups are provisioned with their members; empty groups are not created; a group whose name matches an existing one is taken over.',
  connectionTest: 'Test Connection creates a test user and a test group, then deletes both.',
  notes: ['A user group unbound from the application stops syncing, and its members are deactivated unless another bound group keeps them.'],
  reference: 'docs/idp/jumpcloud.md',
};

const generic: IdpSetupGuide = {
  id: 'generic',
  name: 'Another SCIM 2.0 client',
  requestLogName: null,
  baseUrlField: 'SCIM base URL (often "Base URL", "Endpoint" or "Tenant URL")',
  tokenField: 'Token (often "API token", "Secret" or "Bearer token")',
  summary: 'Any identity provider that speaks SCIM 2.0 (RFC 7644) with a bearer token.',
  before: ['Your identity provider must speak SCIM 2.0; SCIM 1.1 clients are refused.'],
  steps: [
    {
      title: 'Enter the connection',
      location: "Your identity provider's provisioning or SCIM settings for this application",
      description: 'Look for the SCIM or provisioning section of the application; it asks for a base URL and an authentication method.',
      fields: [
        { label: 'SCIM base URL', value: BASE_URL },
        { label: 'Authentication', value: text('Bearer token (HTTP header "Authorization: Bearer <token>")') },
        { label: 'Token', value: TOKEN },
      ],
    },
    {
      title: 'Test the connection',
      location: 'The same page',
      description: 'Use its test button if it has one; the live check on this page shows what it sent and how it was answered.',
      fields: [],
    },
  ],
  attributes: [
    { scimAttribute: 'userName', source: 'A unique, stable login (usually the email)', note: 'Unique per directory, compared without regard to case.' },
    { scimAttribute: 'externalId', source: "The user's id in your identity provider" },
    { scimAttribute: 'active', source: "The user's status", note: 'Deactivate rather than delete when you can.' },
  ],
  groups: 'Groups are SCIM Group resources with members; send them if the application needs group membership.',
  connectionTest: 'Most clients list or look up users; a lookup of someone who does not exist answers "none found".',
  notes: ['Send SCIM 2.0 JSON (Content-Type application/scim+json or application/json).'],
  reference: 'docs/interop.md',
};

/** The guides, in the order the portal offers them. */
export const IDP_SETUP_GUIDES: readonly IdpSetupGuide[] = Object.freeze([okta, entraId, googleWorkspace, onelogin, jumpcloud, generic]);

export function idpSetupGuide(id: IdpId): IdpSetupGuide {
  const guide = IDP_SETUP_GUIDES.find((candidate) => candidate.id === id);
  if (guide === undefined) throw new TypeError(`No setup guide "${String(id)}"`);
  return guide;
}

/** The guide of the provider the request log names (`idp` of an entry), if there is one. */
export function idpSetupGuideForLogName(requestLogName: string | null): IdpSetupGuide | undefined {
  if (requestLogName === null) return undefined;
  return IDP_SETUP_GUIDES.find((guide) => guide.requestLogName === requestLogName);
}

/** What a person types into a field: the tenant's base URL, the token (when the portal has one to show), or the fixed text. */
export function fieldText(value: FieldValue, context: { readonly baseUrl: string; readonly token?: string | undefined }): string {
  switch (value.kind) {
    case 'baseUrl':
      return context.baseUrl;
    case 'token':
      return context.token ?? 'the token you generate on this page';
    case 'text':
      return value.text;
  }
}
