import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

const trustProxy = (value: string | undefined) => loadConfig(value === undefined ? {} : { SCIMITAR_TRUST_PROXY: value }).trustProxy;

describe('SCIMITAR_TRUST_PROXY', () => {
  it.each([
    [undefined, false],
    ['false', false],
    ['0', false],
    // `true` is one hop: the left-most X-Forwarded-For entry is the client's own writing.
    ['true', 1],
    ['1', 1],
    ['3', 3],
    ['10.0.0.0/8, 127.0.0.1', ['10.0.0.0/8', '127.0.0.1']],
    ['loopback,fd00::/8', ['loopback', 'fd00::/8']],
  ])('%s is read as %j', (value, expected) => {
    expect(trustProxy(value)).toEqual(expected);
  });

  it.each(['10.0.0.0/33', 'proxy.internal', '101'])('refuses %s, naming the setting', (value) => {
    expect(() => trustProxy(value)).toThrow(ConfigError);
    expect(() => trustProxy(value)).toThrow(/SCIMITAR_TRUST_PROXY/);
  });
});
