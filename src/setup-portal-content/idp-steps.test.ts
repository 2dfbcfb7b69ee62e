/** The setup guides hold what the portal promises: where the base URL and the token go, for each provider the request log can name. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { identityProviderOf } from '../request-log/idp.js';
import { fieldText, IDP_SETUP_GUIDES, idpSetupGuide, idpSetupGuideForLogName } from './idp-steps.js';

const repository = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

describe('identity provider setup guides', () => {
  it('offer Okta, Entra ID, Google Workspace, OneLogin, JumpCloud and generic SCIM, each once', () => {
    expect(IDP_SETUP_GUIDES.map((guide) => guide.id)).toEqual(['okta', 'entra-id', 'google-workspace', 'onelogin', 'jumpcloud', 'generic']);
  });

  for (const guide of IDP_SETUP_GUIDES) {
    it(`${guide.name}: one step field takes the base URL and one the token, under the labels the guide names`, () => {
      const fields = guide.steps.flatMap((step) => step.fields);
      const baseUrlFields = fields.filter((field) => field.value.kind === 'baseUrl');
      const tokenFields = fields.filter((field) => field.value.kind === 'token');
      expect(baseUrlFields).toHaveLength(1);
      expect(tokenFields).toHaveLength(1);
      expect(guide.baseUrlField.startsWith(baseUrlFields[0]!.label)).toBe(true);
      expect(guide.tokenField.toLowerCase().startsWith(tokenFields[0]!.label.toLowerCase())).toBe(true);
      for (const step of guide.steps) expect([step.title, step.location, step.description].every((text) => text.trim().length > 0)).toBe(true);
      expect(existsSync(path.join(repository, guide.reference)), guide.reference).toBe(true);
    });
  }

  it('are found by the name the request log gives a provider’s User-Agent', () => {
    expect(idpSetupGuideForLogName(identityProviderOf('Okta SCIM Client 1.0.0'))?.id).toBe('okta');
    expect(idpSetupGuideForLogName(identityProviderOf('Azure Active Directory SCIM Client'))?.id).toBe('entra-id');
    expect(idpSetupGuideForLogName(identityProviderOf('Google-Auto-Provisioning'))?.id).toBe('google-workspace');
    expect(idpSetupGuideForLogName(identityProviderOf('OneLogin SCIM'))?.id).toBe('onelogin');
    expect(idpSetupGuideForLogName(identityProviderOf('JumpCloud SCIM'))?.id).toBe('jumpcloud');
    expect(idpSetupGuideForLogName(null)).toBeUndefined();
  });

  it('fill a field with the tenant’s base URL, the token when there is one, or the fixed text', () => {
    const okta = idpSetupGuide('okta');
    const integration = okta.steps[0]!.fields;
    const context = { baseUrl: 'https://scim.example.com/t/acme/scim/v2', token: 'scim_abc' };
    expect(integration.map((field) => [field.label, fieldText(field.value, context)])).toEqual([
      ['SCIM connector base URL', 'https://scim.example.com/t/acme/scim/v2'],
      ['Unique identifier field for users', 'userName'],
      ['Supported provisioning actions', 'Push New Users, Push Profile Updates, Push Groups'],
      ['Authentication Mode', 'HTTP Header'],
      ['Authorization', 'scim_abc'],
    ]);
    expect(fieldText({ kind: 'token' }, { baseUrl: context.baseUrl })).toBe('the token you generate on this page');
  });
});
