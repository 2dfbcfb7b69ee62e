/**
 * The setup portal's walk through each identity provider: where to click
 * and what to type, with `{baseUrl}` standing for the tenant's SCIM base
 * URL. Screens are described in words, by the names the providers' admin
 * consoles use, since screenshots of other products go stale.
 */
import type { IdpGuide } from './portal-services.js';

export const IDP_GUIDES: readonly IdpGuide[] = [
  {
    id: 'okta',
    name: 'Okta',
    steps: [
      { title: 'Open the app', text: 'In the Okta Admin Console, go to Applications → Applications and open the app for this service (or create one with "Create App Integration").' },
      { title: 'Turn on SCIM', text: 'On the General tab, under App Settings, click Edit, tick "Enable SCIM provisioning" and Save. A Provisioning tab appears.' },
      {
        title: 'Connect Okta to this directory',
        text: 'Provisioning → Integration → Edit. SCIM connector base URL: {baseUrl}. Unique identifier field for users: userName. Supported provisioning actions: Push New Users, Push Profile Updates and Push Groups. Authentication Mode: HTTP Header; paste the token from this page into Authorization.',
      },
      { title: 'Test connection', text: 'Click "Test Connector Configuration". Watch the live check on this portal: each request Okta sends appears there. Then Save.' },
      { title: 'Choose what Okta does', text: 'Provisioning → To App → Edit: enable Create Users, Update User Attributes and Deactivate Users, then Save. Keep userName mapped to the Okta username (usually the e-mail address).' },
      { title: 'Assign people and push groups', text: 'Assign people or groups on the Assignments tab; push groups on the Push Groups tab. Each assignment is a request you can follow in the live check.' },
    ],
  },
  {
    id: 'entra',
    name: 'Entra ID',
    steps: [
      { title: 'Create the enterprise app', text: 'In the Microsoft Entra admin center, go to Enterprise applications → New application → Create your own application, and choose "Integrate any other application you don\'t find in the gallery".' },
      { title: 'Start provisioning', text: 'In the app, open Provisioning and start a new configuration; set Provisioning Mode to Automatic.' },
      { title: 'Admin credentials', text: 'Tenant URL: {baseUrl}. Secret Token: the token from this page. Click "Test Connection" and watch the live check here.' },
      { title: 'Mappings', text: 'Keep the user and group mappings enabled. userName is matched from userPrincipalName by default; keep it as the matching attribute.' },
      { title: 'Scope and start', text: 'Under Settings, choose "Sync only assigned users and groups", set Provisioning Status to On and Save. Assign users and groups. Entra ID runs a cycle about every 40 minutes; "Provision on demand" sends one user now.' },
    ],
  },
  {
    id: 'google',
    name: 'Google Workspace',
    steps: [
      { title: 'Check the app supports it', text: 'Google Workspace provisions users only to apps of its catalogue that offer automatic user provisioning. In the Admin console, go to Apps → Web and mobile apps and open this service\'s app.' },
      { title: 'Set up auto-provisioning', text: 'Open "User provisioning" and click "Set up auto-provisioning". Paste the token from this page as the access token and {baseUrl} as the endpoint URL.' },
      { title: 'Attributes and scope', text: 'Keep the default attribute mapping (the primary e-mail becomes userName), choose the groups or organisational units in scope, and finish.' },
      { title: 'Turn it on', text: 'Switch auto-provisioning on. Google first reads the server\'s capabilities and looks users up; follow it in the live check here.' },
    ],
  },
  {
    id: 'onelogin',
    name: 'OneLogin',
    steps: [
      { title: 'Add the connector', text: 'In OneLogin Administration, go to Applications → Add App and choose "SCIM Provisioner with SAML (SCIM v2 Enterprise)" (or this service\'s app).' },
      { title: 'Configuration', text: 'On the Configuration tab, SCIM Base URL: {baseUrl}; SCIM Bearer Token: the token from this page. Keep the default SCIM JSON template. Under API Connection click Enable, and watch the live check here.' },
      { title: 'Provisioning', text: 'On the Provisioning tab, tick "Enable provisioning" and choose what happens when a user is deleted or suspended in OneLogin (deactivate is the safe choice). Save.' },
      { title: 'Assign users', text: 'Assign users on the Users tab (or through roles). To send groups, set the Groups parameter to be included in user provisioning.' },
    ],
  },
  {
    id: 'jumpcloud',
    name: 'JumpCloud',
    steps: [
      { title: 'Open the application', text: 'In the JumpCloud Admin Portal, go to SSO Applications, add the application for this service (or a custom SAML application), and open its Identity Management tab.' },
      { title: 'SCIM settings', text: 'Choose SCIM 2.0. Base URL: {baseUrl}. Token Key: the token from this page. Click "Test Connection" and watch the live check here.' },
      { title: 'Groups and activation', text: 'Turn on group management if you want JumpCloud groups sent as groups, then Activate and Save.' },
      { title: 'Bind user groups', text: 'On the User Groups tab, bind the groups whose members should have access; JumpCloud then creates them here.' },
    ],
  },
  {
    id: 'generic',
    name: 'Another SCIM client',
    steps: [
      { title: 'Base URL', text: 'SCIM 2.0 base URL (also called tenant URL or endpoint): {baseUrl}. It serves /Users, /Groups, /Bulk, /ServiceProviderConfig, /Schemas and /ResourceTypes.' },
      { title: 'Authentication', text: 'Send the token from this page in every request: Authorization: Bearer <token>.' },
      { title: 'Settings', text: 'Unique identifier: userName (matched case-insensitively). Filtering (userName eq, externalId eq, displayName eq), PATCH, sorting and ETags are supported; deactivate users with PATCH active=false.' },
      { title: 'Test', text: 'Run your client\'s connection test, or read one user: GET {baseUrl}/Users?count=1. Each request appears in the live check here.' },
    ],
  },
];
