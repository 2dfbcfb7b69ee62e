import { describe, expect, it } from 'vitest';
import { checkLiteralHost, forbiddenAddressKind, literalAddress } from './address-guard.js';

describe('forbiddenAddressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private (RFC 1918)'],
    ['172.16.0.1', 'private (RFC 1918)'],
    ['172.31.255.255', 'private (RFC 1918)'],
    ['192.168.1.1', 'private (RFC 1918)'],
    ['169.254.169.254', 'link-local (incl. cloud metadata 169.254.169.254)'],
    ['100.64.0.1', 'carrier-grade NAT (100.64.0.0/10)'],
    ['0.0.0.0', '"this network" (0.0.0.0/8)'],
    ['224.0.0.1', 'multicast'],
    ['255.255.255.255', 'reserved (incl. broadcast)'],
    ['::1', 'loopback (::1)'],
    ['::', 'unspecified (::)'],
    ['fc00::1', 'unique-local (fc00::/7)'],
    ['fd12:3456::1', 'unique-local (fc00::/7)'],
    ['fe80::1%eth0', 'link-local (fe80::/10)'],
    ['ff02::1', 'multicast (ff00::/8)'],
    ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['::ffff:169.254.169.254', 'IPv4-mapped link-local (incl. cloud metadata 169.254.169.254)'],
    ['::ffff:10.0.0.1', 'IPv4-mapped private (RFC 1918)'],
    ['64:ff9b::a00:1', 'NAT64 private (RFC 1918)'],
  ])('%s is %s', (address, kind) => {
    expect(forbiddenAddressKind(address)).toBe(kind);
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '93.184.216.34', '2606:4700:4700::1111', '::ffff:8.8.8.8', 'example.com', ''])('%s is not forbidden', (address) => {
    expect(forbiddenAddressKind(address)).toBeUndefined();
  });
});

describe('literal hosts', () => {
  it('reads bracketed IPv6 and dotted IPv4 as addresses, names as none', () => {
    expect(literalAddress('[::1]')).toBe('::1');
    expect(literalAddress('10.0.0.1')).toBe('10.0.0.1');
    expect(literalAddress('example.com')).toBeUndefined();
  });

  it('refuses a forbidden literal unless private addresses or that host are allowed', () => {
    expect(checkLiteralHost({ allowPrivate: false, allowedHosts: [] }, '169.254.169.254')?.message).toMatch(/link-local/);
    expect(checkLiteralHost({ allowPrivate: false, allowedHosts: [] }, '[::1]')?.message).toMatch(/loopback/);
    expect(checkLiteralHost({ allowPrivate: true, allowedHosts: [] }, '127.0.0.1')).toBeUndefined();
    expect(checkLiteralHost({ allowPrivate: false, allowedHosts: ['127.0.0.1'] }, '127.0.0.1')).toBeUndefined();
    expect(checkLiteralHost({ allowPrivate: false, allowedHosts: [] }, '8.8.8.8')).toBeUndefined();
  });
});
