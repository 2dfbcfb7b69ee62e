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

export interface AddressPolicy {
  /** Every address allowed (SCIMITAR_WEBHOOK_ALLOW_PRIVATE): a receiver on the same private network. */
  readonly allowPrivate: boolean;
  /** Host names (lowercase) whose addresses are not checked (SCIMITAR_WEBHOOK_ALLOWED_HOSTS). */
  readonly allowedHosts: readonly string[];
}

/** The error code of a refused address, for callers that tell it apart from network failures. */
export const FORBIDDEN_ADDRESS = 'ERR_SCIMITAR_WEBHOOK_ADDRESS_FORBIDDEN';

interface Range {
  readonly prefix: readonly number[];
  readonly bits: number;
  readonly name: string;
}

function ipv4Range(cidr: string, name: string): Range {
  const [address, bits] = cidr.split('/');
  return { prefix: parseIpv4(address!)!, bits: Number(bits), name };
}

function ipv6Range(cidr: string, name: string): Range {
  const [address, bits] = cidr.split('/');
  return { prefix: parseIpv6(address!)!, bits: Number(bits), name };
}

/** Not the public internet: where a webhook must not reach unless allowed. */
const FORBIDDEN_IPV4: readonly Range[] = [
  ipv4Range('0.0.0.0/8', '"this network" (0.0.0.0/8)'),
  ipv4Range('10.0.0.0/8', 'private (RFC 1918)'),
  ipv4Range('100.64.0.0/10', 'carrier-grade NAT (100.64.0.0/10)'),
  ipv4Range('127.0.0.0/8', 'loopback'),
  ipv4Range('169.254.0.0/16', 'link-local (incl. cloud metadata 169.254.169.254)'),
  ipv4Range('172.16.0.0/12', 'private (RFC 1918)'),
  ipv4Range('192.0.0.0/24', 'IETF protocol assignments (192.0.0.0/24)'),
  ipv4Range('192.0.2.0/24', 'documentation (TEST-NET-1)'),
  ipv4Range('192.168.0.0/16', 'private (RFC 1918)'),
  ipv4Range('198.18.0.0/15', 'benchmarking (198.18.0.0/15)'),
  ipv4Range('198.51.100.0/24', 'documentation (TEST-NET-2)'),
  ipv4Range('203.0.113.0/24', 'documentation (TEST-NET-3)'),
  ipv4Range('224.0.0.0/4', 'multicast'),
  ipv4Range('240.0.0.0/4', 'reserved (incl. broadcast)'),
];

const FORBIDDEN_IPV6: readonly Range[] = [
  ipv6Range('::/128', 'unspecified (::)'),
  ipv6Range('::1/128', 'loopback (::1)'),
  ipv6Range('100::/64', 'discard-only (100::/64)'),
  ipv6Range('2001:db8::/32', 'documentation (2001:db8::/32)'),
  ipv6Range('fc00::/7', 'unique-local (fc00::/7)'),
  ipv6Range('fe80::/10', 'link-local (fe80::/10)'),
  ipv6Range('fec0::/10', 'site-local (fec0::/10)'),
  ipv6Range('ff00::/8', 'multicast (ff00::/8)'),
];

/** IPv6 prefixes that embed an IPv4 address in their last 32 bits: the embedded address is what is reached. */
const EMBEDDING_IPV4: readonly Range[] = [
  ipv6Range('::ffff:0:0/96', 'IPv4-mapped'),
  ipv6Range('64:ff9b::/96', 'NAT64'),
  ipv6Range('::/96', 'IPv4-compatible'),
];

function parseIpv4(text: string): number[] | undefined {
  if (!isIPv4(text)) return undefined;
  return text.split('.').map(Number);
}

/** The 16 bytes of an IPv6 address (zone id ignored; a trailing dotted quad accepted). */
function parseIpv6(text: string): number[] | undefined {
  const address = text.split('%')[0]!;
  if (!isIPv6(address)) return undefined;
  let head = address;
  let tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (dotted) {
    const v4 = parseIpv4(dotted[1]!);
    if (v4 === undefined) return undefined;
    tail = v4;
    head = address.slice(0, -dotted[1]!.length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groupsOf = (part: string) => (part === '' ? [] : part.split(':').map((group) => parseInt(group, 16)));
  const [left, right] = head.includes('::') ? head.split('::') : [head, undefined];
  const leftGroups = groupsOf(left ?? '');
  const rightGroups = right === undefined ? [] : groupsOf(right);
  const missing = 8 - tail.length / 2 - leftGroups.length - rightGroups.length;
  const groups = [...leftGroups, ...(right === undefined ? [] : Array<number>(missing).fill(0)), ...rightGroups];
  const bytes = groups.flatMap((group) => [group >> 8, group & 0xff]);
  return [...bytes, ...tail];
}

function inRange(bytes: readonly number[], range: Range): boolean {
  let bits = range.bits;
  for (let index = 0; bits > 0; index += 1, bits -= 8) {
    const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((bytes[index]! & mask) !== (range.prefix[index]! & mask)) return false;
  }
  return true;
}

/** What kind of non-public address this is, or undefined for a public one (or text that is no IP address). */
export function forbiddenAddressKind(address: string): string | undefined {
  const v4 = parseIpv4(address);
  if (v4 !== undefined) return FORBIDDEN_IPV4.find((range) => inRange(v4, range))?.name;
  const v6 = parseIpv6(address);
  if (v6 === undefined) return undefined;
  // :: and ::1 also lie in ::/96; they are judged as IPv6 addresses below.
  const embedding = v6.slice(0, 15).every((byte) => byte === 0) ? undefined : EMBEDDING_IPV4.find((range) => inRange(v6, range));
  if (embedding !== undefined) {
    const kind = FORBIDDEN_IPV4.find((range) => inRange(v6.slice(12), range))?.name;
    if (kind !== undefined) return `${embedding.name} ${kind}`;
  }
  return FORBIDDEN_IPV6.find((range) => inRange(v6, range))?.name;
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
