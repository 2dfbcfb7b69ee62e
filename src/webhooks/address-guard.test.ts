import ipaddr from 'ipaddr.js';
import { describe, expect, it } from 'vitest';
import { checkLiteralHost, forbiddenAddressKind, literalAddress } from './address-guard.js';

/**
 * The IANA IPv4 Special-Purpose Address Registry, every entry, by its
 * registry name; then multicast (RFC 5771), which lives in its own registry.
 */
const IPV4_SPECIAL_PURPOSE: readonly (readonly [name: string, range: string])[] = [
  ['"This network"', '0.0.0.0/8'],
  ['"This host on this network"', '0.0.0.0/32'],
  ['Private-Use', '10.0.0.0/8'],
  ['Shared Address Space', '100.64.0.0/10'],
  ['Loopback', '127.0.0.0/8'],
  ['Link Local', '169.254.0.0/16'],
  ['Private-Use', '172.16.0.0/12'],
  ['IETF Protocol Assignments', '192.0.0.0/24'],
  ['IPv4 Service Continuity Prefix', '192.0.0.0/29'],
  ['IPv4 dummy address', '192.0.0.8/32'],
  ['Port Control Protocol Anycast', '192.0.0.9/32'],
  ['Traversal Using Relays around NAT Anycast', '192.0.0.10/32'],
  ['NAT64/DNS64 Discovery', '192.0.0.170/32'],
  ['NAT64/DNS64 Discovery', '192.0.0.171/32'],
  ['Documentation (TEST-NET-1)', '192.0.2.0/24'],
  ['AS112-v4', '192.31.196.0/24'],
  ['AMT', '192.52.193.0/24'],
  ['Deprecated (6to4 Relay Anycast)', '192.88.99.0/24'],
  ['Private-Use', '192.168.0.0/16'],
  ['Direct Delegation AS112 Service', '192.175.48.0/24'],
  ['Benchmarking', '198.18.0.0/15'],
  ['Documentation (TEST-NET-2)', '198.51.100.0/24'],
  ['Documentation (TEST-NET-3)', '203.0.113.0/24'],
  ['Reserved', '240.0.0.0/4'],
  ['Limited Broadcast', '255.255.255.255/32'],
  ['Multicast', '224.0.0.0/4'],
];

/**
 * The IANA IPv6 Special-Purpose Address Registry, every entry, by its
 * registry name; then what the IPv6 addressing architecture sets apart
 * (multicast, deprecated site-local, IPv4-compatible) and the IPv4-translated
 * block of RFC 6145.
 */
const IPV6_SPECIAL_PURPOSE: readonly (readonly [name: string, range: string])[] = [
  ['Loopback Address', '::1/128'],
  ['Unspecified Address', '::/128'],
  ['IPv4-mapped Address', '::ffff:0:0/96'],
  ['IPv4-IPv6 Translat.', '64:ff9b::/96'],
  ['IPv4-IPv6 Translat. (local use)', '64:ff9b:1::/48'],
  ['Discard-Only Address Block', '100::/64'],
  ['Dummy IPv6 Prefix', '100:0:0:1::/64'],
  ['IETF Protocol Assignments', '2001::/23'],
  ['TEREDO', '2001::/32'],
  ['Port Control Protocol Anycast', '2001:1::1/128'],
  ['Traversal Using Relays around NAT Anycast', '2001:1::2/128'],
  ['DNS-SD Service Registration Protocol Anycast', '2001:1::3/128'],
  ['Benchmarking', '2001:2::/48'],
  ['AMT', '2001:3::/32'],
  ['AS112-v6', '2001:4:112::/48'],
  ['Deprecated (previously ORCHID)', '2001:10::/28'],
  ['ORCHIDv2', '2001:20::/28'],
  ['Drone Remote ID Protocol Entity Tags (DETs) Prefix', '2001:30::/28'],
  ['Documentation', '2001:db8::/32'],
  ['6to4', '2002::/16'],
  ['Direct Delegation AS112 Service', '2620:4f:8000::/48'],
  ['Documentation', '3fff::/20'],
  ['Segment Routing (SRv6) SIDs', '5f00::/16'],
  ['Unique-Local', 'fc00::/7'],
  ['Link-Local Unicast', 'fe80::/10'],
  ['Multicast', 'ff00::/8'],
  ['Site-local (deprecated)', 'fec0::/10'],
  ['IPv4-compatible (deprecated)', '::/96'],
  ['IPv4-translated', '::ffff:0:0:0/96'],
];

/** The first, a middle and the last address of a range: the edges are where hand-written masks go wrong. */
function samples(range: string): string[] {
  const [network, bits] = ipaddr.parseCIDR(range);
  if (network.kind() === 'ipv4') {
    const first = ipaddr.IPv4.networkAddressFromCIDR(range).toByteArray();
    const last = ipaddr.IPv4.broadcastAddressFromCIDR(range).toByteArray();
    const middle = first.map((byte, index) => (byte + last[index]!) >> 1);
    return [first, middle, last].map((bytes) => ipaddr.fromByteArray(bytes).toString());
  }
  const first = ipaddr.IPv6.networkAddressFromCIDR(range);
  const last = ipaddr.IPv6.broadcastAddressFromCIDR(range);
  const middle = new ipaddr.IPv6(first.parts.map((part, index) => (part + last.parts[index]!) >> 1));
  return bits === 128 ? [first.toString()] : [first, middle, last].map((address) => address.toString());
}

describe('forbiddenAddressKind', () => {
  it.each(IPV4_SPECIAL_PURPOSE)('refuses the IPv4 special-purpose range %s (%s) from its first to its last address', (_name, range) => {
    for (const address of samples(range)) expect(forbiddenAddressKind(address), address).toBeDefined();
  });

  it.each(IPV6_SPECIAL_PURPOSE)('refuses the IPv6 special-purpose range %s (%s) from its first to its last address', (_name, range) => {
    for (const address of samples(range)) expect(forbiddenAddressKind(address), address).toBeDefined();
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['10.1.2.3', 'private (RFC 1918)'],
    ['172.31.255.255', 'private (RFC 1918)'],
    ['169.254.169.254', 'link-local (incl. cloud metadata 169.254.169.254)'],
    ['100.64.0.1', 'carrier-grade NAT (100.64.0.0/10)'],
    ['::1', 'loopback'],
    ['fd12:3456::1', 'unique-local (fc00::/7)'],
    ['fe80::1%eth0', 'link-local (incl. cloud metadata 169.254.169.254)'],
  ])('names what %s is: %s', (address, kind) => {
    expect(forbiddenAddressKind(address)).toBe(kind);
  });

  it.each([
    // IPv4 embedded in IPv6: the IPv4 address is what a packet reaches.
    ['IPv4-mapped loopback', '::ffff:127.0.0.1', 'IPv4-mapped loopback'],
    ['IPv4-mapped loopback (hex)', '::ffff:7f00:1', 'IPv4-mapped loopback'],
    ['IPv4-mapped cloud metadata', '::ffff:169.254.169.254', 'IPv4-mapped link-local (incl. cloud metadata 169.254.169.254)'],
    ['NAT64 of a private address', '64:ff9b::10.0.0.1', 'NAT64 private (RFC 1918)'],
    ['NAT64 of loopback', '64:ff9b::7f00:1', 'NAT64 loopback'],
    ['IPv4-translated loopback', '::ffff:0:127.0.0.1', 'IPv4-translated (::ffff:0:0:0/96)'],
    ['IPv4-translated public address', '::ffff:0:8.8.8.8', 'IPv4-translated (::ffff:0:0:0/96)'],
    ['local-use NAT64 of a public address', '64:ff9b:1::8.8.8.8', 'local-use NAT64 (64:ff9b:1::/48)'],
    // 6to4 (RFC 3056) and Teredo (RFC 4380) are refused whatever they embed: deprecated relays, no receiver lives there.
    ['6to4 of a private address', '2002:a00:1::1', '6to4 (2002::/16)'],
    ['6to4 of loopback', '2002:7f00:1::', '6to4 (2002::/16)'],
    ['6to4 of a public address', '2002:808:808::1', '6to4 (2002::/16)'],
    ['Teredo with a private server', '2001:0:a00:1::1', 'Teredo (2001::/32)'],
    ['IPv4-compatible loopback', '::127.0.0.1', 'IPv4-compatible (deprecated, ::/96)'],
    ['IPv4-compatible public address', '::8.8.8.8', 'IPv4-compatible (deprecated, ::/96)'],
  ])('refuses %s (%s) as %s', (_case, address, kind) => {
    expect(forbiddenAddressKind(address)).toBe(kind);
  });

  it.each([
    '8.8.8.8',
    '1.1.1.1',
    '172.32.0.1',
    '100.128.0.1',
    '192.0.1.255',
    '198.20.0.1',
    '223.255.255.255',
    '93.184.216.34',
    '2606:4700:4700::1111',
    '2a00:1450:4001::200e',
    '2001:200::1',
    '::ffff:8.8.8.8',
    '64:ff9b::8.8.8.8',
    'example.com',
    '127.1',
    '',
  ])('%s is not forbidden (a public address, or no address)', (address) => {
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
