/**
 * Outbound safety (SSRF): a webhook URL is chosen by whoever holds an
 * admin key, so without a guard it could make Scimitar POST into the
 * network it runs in (a database's HTTP port, a cloud metadata service at
 * 169.254.169.254). Every address a delivery would connect to is checked —
 * the one DNS actually returned, inside the socket's own lookup, so a name
 * that resolves to a public address when the webhook is saved and to a
 * private one when it is delivered (DNS rebinding) is still refused — and
 * so is a literal IP in the URL, which Node connects to without a lookup.
 */
import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions, type LookupOneOptions } from 'node:dns';
import { isIPv4, isIPv6 } from 'node:net';
import ipaddr from 'ipaddr.js';

export interface AddressPolicy {
  /** Every address allowed (SCIMITAR_WEBHOOK_ALLOW_PRIVATE): a receiver on the same private network. */
  readonly allowPrivate: boolean;
  /** Host names (lowercase) whose addresses are not checked (SCIMITAR_WEBHOOK_ALLOWED_HOSTS). */
  readonly allowedHosts: readonly string[];
}

/** The error code of a refused address, for callers that tell it apart from network failures. */
export const FORBIDDEN_ADDRESS = 'ERR_SCIMITAR_WEBHOOK_ADDRESS_FORBIDDEN';

/**
 * The special-purpose ranges ipaddr.js names (the IANA IPv4 and IPv6
 * special-purpose address registries, multicast, site-local), as a refusal
 * names them. Every named range is refused — even the few the registry calls
 * globally reachable (anycast relays, AS112 sinks), where no webhook receiver
 * lives — and a name missing here (a newer library version) is refused under
 * its own name: the guard fails closed.
 */
const RANGE_KINDS: Readonly<Record<string, string>> = {
  unspecified: 'unspecified ("this network")',
  broadcast: 'limited broadcast',
  multicast: 'multicast',
  linkLocal: 'link-local (incl. cloud metadata 169.254.169.254)',
  loopback: 'loopback',
  carrierGradeNat: 'carrier-grade NAT (100.64.0.0/10)',
  private: 'private (RFC 1918)',
  reserved: 'reserved (IETF assignments, documentation, benchmarking or future use)',
  as112: 'AS112 DNS sink',
  amt: 'AMT relay anycast',
  uniqueLocal: 'unique-local (fc00::/7)',
  deprecatedSiteLocal: 'site-local (fec0::/10)',
  discard: 'discard-only (100::/64)',
  rfc6145: 'IPv4-translated (::ffff:0:0:0/96)',
  rfc6052: 'local-use NAT64 (64:ff9b:1::/48)',
  '6to4': '6to4 (2002::/16)',
  teredo: 'Teredo (2001::/32)',
  benchmarking: 'benchmarking',
  as112v6: 'AS112 DNS sink',
  deprecatedOrchid: 'ORCHID (deprecated)',
  orchid2: 'ORCHIDv2',
  droneRemoteIdProtocolEntityTags: 'drone remote ID entity tags',
  segmentRouting: 'segment routing SIDs (5f00::/16)',
};

/** IANA registry entries ipaddr.js does not name, with the deprecated IPv4-compatible block. */
const MORE_IPV6_RANGES: readonly (readonly [ipaddr.IPv6, number, string])[] = [
  [...(ipaddr.IPv6.parseCIDR('100:0:0:1::/64') as [ipaddr.IPv6, number]), 'dummy prefix (100:0:0:1::/64)'],
  [...(ipaddr.IPv6.parseCIDR('::/96') as [ipaddr.IPv6, number]), 'IPv4-compatible (deprecated, ::/96)'],
];

/**
 * IPv6 forms whose packets reach the IPv4 address in their last 32 bits:
 * judged by that address, so a public host behind NAT64 (what DNS64 answers
 * on an IPv6-only network) stays reachable and a private one does not.
 */
const NAT64_WELL_KNOWN = ipaddr.IPv6.parseCIDR('64:ff9b::/96');

function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 {
  const [high, low] = address.parts.slice(6) as [number, number];
  return new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
}

function ipv4Kind(address: ipaddr.IPv4): string | undefined {
  const range = address.range();
  return range === 'unicast' ? undefined : (RANGE_KINDS[range] ?? range);
}

function ipv6Kind(address: ipaddr.IPv6): string | undefined {
  const range = address.range();
  if (range === 'ipv4Mapped' || (range === 'rfc6052' && address.match(NAT64_WELL_KNOWN))) {
    const kind = ipv4Kind(embeddedIpv4(address));
    return kind === undefined ? undefined : `${range === 'ipv4Mapped' ? 'IPv4-mapped' : 'NAT64'} ${kind}`;
  }
  if (range !== 'unicast') return RANGE_KINDS[range] ?? range;
  return MORE_IPV6_RANGES.find(([network, bits]) => address.match(network, bits))?.[2];
}

/** What kind of non-public address this is, or undefined for a public one (or text that is no IP address). */
export function forbiddenAddressKind(address: string): string | undefined {
  // node:net decides what is an address (the forms a socket connects to); ipaddr.js alone also reads "127.1".
  if (isIPv4(address)) return ipv4Kind(ipaddr.IPv4.parse(address));
  const withoutZone = address.split('%')[0]!;
  if (!isIPv6(withoutZone)) return undefined;
  // The URL standard's serialisation first: ipaddr.js reads any "::a.b.c.d" as IPv4-mapped,
  // though "::127.0.0.1" is the IPv4-compatible ::7f00:1.
  return ipv6Kind(ipaddr.IPv6.parse(new URL(`http://[${withoutZone}]/`).hostname.slice(1, -1)));
}

export class ForbiddenAddressError extends Error {
  readonly code = FORBIDDEN_ADDRESS;
  constructor(host: string, address: string, kind: string) {
    super(
      `${host === address ? address : `${host} resolves to ${address}, which`} is a ${kind} address: refused (allow it with SCIMITAR_WEBHOOK_ALLOW_PRIVATE=true or SCIMITAR_WEBHOOK_ALLOWED_HOSTS)`,
    );
    this.name = 'ForbiddenAddressError';
  }
}

/** The host of a URL as an address, when it is a literal IP (`[::1]` → `::1`). */
export function literalAddress(hostname: string): string | undefined {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIPv4(bare) || isIPv6(bare) ? bare : undefined;
}

function isExempt(policy: AddressPolicy, hostname: string): boolean {
  return policy.allowPrivate || policy.allowedHosts.includes(hostname.toLowerCase());
}

/** The refusal of a URL's host when it is a literal IP the policy forbids, else undefined. */
export function checkLiteralHost(policy: AddressPolicy, hostname: string): ForbiddenAddressError | undefined {
  const address = literalAddress(hostname);
  if (address === undefined || isExempt(policy, hostname) || isExempt(policy, address)) return undefined;
  const kind = forbiddenAddressKind(address);
  return kind === undefined ? undefined : new ForbiddenAddressError(address, address, kind);
}

type LookupCallback = (error: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void;

/**
 * A `lookup` for node:http(s) requests: resolves every address of the host
 * and refuses them all if any is forbidden (a name with one public and one
 * private address must not be a way in), so the socket connects only to
 * an address that was checked.
 */
export function guardedLookup(policy: AddressPolicy) {
  return (hostname: string, options: LookupOneOptions | LookupAllOptions, callback: LookupCallback): void => {
    dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
      if (error) return callback(error, '');
      if (!isExempt(policy, hostname)) {
        for (const { address } of addresses) {
          const kind = forbiddenAddressKind(address);
          if (kind !== undefined) return callback(new ForbiddenAddressError(hostname, address, kind), '');
        }
      }
      if (options.all === true) return callback(null, addresses);
      const first = addresses[0];
      if (first === undefined) return callback(Object.assign(new Error(`${hostname} has no address`), { code: 'ENOTFOUND' }), '');
      callback(null, first.address, first.family);
    });
  };
}
