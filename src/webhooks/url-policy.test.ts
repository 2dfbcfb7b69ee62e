import { describe, expect, it } from 'vitest';
import { checkWebhookUrl } from './url-policy.js';

const strict = { allowHttp: false, allowPrivate: false, allowedHosts: [] };

describe('webhook URL policy', () => {
  it('accepts https URLs, normalised', () => {
    expect(checkWebhookUrl(strict, 'https://Hooks.Example.com/scim?x=1')).toBe('https://hooks.example.com/scim?x=1');
  });

  it.each([
    ['', /absolute https/],
    ['not a url', /not a valid absolute URL/],
    ['http://hooks.example.com/', /SCIMITAR_WEBHOOK_ALLOW_HTTP/],
    ['ftp://hooks.example.com/', /must use https, not ftp/],
    ['https://user:secret@hooks.example.com/', /credentials/],
    ['https://hooks.example.com/#frag', /fragment/],
    ['https://127.0.0.1/', /loopback/],
    ['https://[::1]/', /loopback/],
    ['https://169.254.169.254/latest/meta-data', /link-local/],
    [`https://hooks.example.com/${'a'.repeat(2048)}`, /longer than 2048/],
  ])('refuses %s', (url, message) => {
    expect(() => checkWebhookUrl(strict, url)).toThrow(message);
  });

  it('accepts http and private addresses only when allowed', () => {
    expect(checkWebhookUrl({ ...strict, allowHttp: true }, 'http://hooks.example.com/')).toBe('http://hooks.example.com/');
    expect(checkWebhookUrl({ ...strict, allowPrivate: true }, 'https://10.0.0.5/hook')).toBe('https://10.0.0.5/hook');
    expect(checkWebhookUrl({ ...strict, allowedHosts: ['10.0.0.5'] }, 'https://10.0.0.5/hook')).toBe('https://10.0.0.5/hook');
  });
});
