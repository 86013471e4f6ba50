import 'server-only';

import net from 'node:net';

// Which addresses the PKI relay may connect to. The relay fetches URLs named in certificates, and
// anyone can put any URL in a certificate, so without these checks a signed mail could make the
// server reach its own loopback services or the private network behind it (SSRF).

/** Ranges never reached unless configured (IANA special-purpose registries, RFC 6890). */
const FORBIDDEN_IPV4: [string, number][] = [
  ['0.0.0.0', 8], // "this network", including the unspecified 0.0.0.0
  ['10.0.0.0', 8], // private (RFC 1918)
  ['100.64.0.0', 10], // carrier-grade NAT (RFC 6598)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (cloud metadata services live here)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, including the broadcast 255.255.255.255
];

const FORBIDDEN_IPV6: [string, number][] = [
  ['::', 96], // unspecified ::, loopback ::1 and the deprecated IPv4-compatible ::a.b.c.d
  ['64:ff9b:1::', 48], // local-use IPv4/IPv6 translation
  ['100::', 64], // discard-only
  ['2001:db8::', 32], // documentation
  ['fc00::', 7], // unique-local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const forbidden = new net.BlockList();
for (const [prefix, bits] of FORBIDDEN_IPV4) forbidden.addSubnet(prefix, bits, 'ipv4');
for (const [prefix, bits] of FORBIDDEN_IPV6) forbidden.addSubnet(prefix, bits, 'ipv6');

const family = (ip: string): 'ipv4' | 'ipv6' | null => {
  const v = net.isIP(ip);
  return v === 4 ? 'ipv4' : v === 6 ? 'ipv6' : null;
};

/**
 * True for a literal IP address outside every special-purpose range. IPv4-mapped IPv6 addresses
 * (::ffff:127.0.0.1) are judged as the IPv4 address they stand for (BlockList does that). Anything
 * that is not a canonical literal (a name, "2130706433", "0x7f000001") is not public: callers
 * resolve names first, and WHATWG URL parsing already turns odd IPv4 spellings into dotted quads.
 */
export function isPublicAddress(ip: string): boolean {
  const f = family(ip);
  return f !== null && !forbidden.check(ip, f);
}

/** The operator's exceptions (SEALPOST_PKI_FETCH_ALLOW): host names and address ranges. */
export interface AllowList {
  /** Lower-case host names, matched exactly against the URL's host. */
  hosts: ReadonlySet<string>;
  subnets: net.BlockList;
}

const HOST_NAME = /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*\.?$/i;

/**
 * Parses "pki.internal, 10.1.2.0/24, 127.0.0.1, fd00::/8": host names, addresses (one address
 * each) and CIDR ranges. Throws on an entry that is none of these, naming it.
 */
export function parseAllowList(text: string): AllowList {
  const hosts = new Set<string>();
  const subnets = new net.BlockList();
  for (const entry of text.split(',').map((e) => e.trim()).filter(Boolean)) {
    const [address = '', bitsText, extra] = entry.split('/');
    const f = family(address);
    if (f && extra === undefined) {
      const max = f === 'ipv4' ? 32 : 128;
      const bits = bitsText === undefined ? max : /^\d{1,3}$/.test(bitsText) ? Number(bitsText) : -1;
      if (bits < 0 || bits > max) throw new Error(`"${entry}" has a bad prefix length`);
      subnets.addSubnet(address, bits, f);
    } else if (bitsText === undefined && HOST_NAME.test(entry) && !/^[\d.]+$/.test(entry)) {
      hosts.add(entry.toLowerCase().replace(/\.$/, ''));
    } else {
      throw new Error(`"${entry}" is neither a host name, an IP address nor a CIDR range`);
    }
  }
  return { hosts, subnets };
}

/** URL.hostname as the allow list and DNS see it: IPv6 without brackets, no trailing dot. */
export function bareHost(hostname: string): string {
  return hostname.replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '').toLowerCase();
}

export const isAllowedHost = (host: string, allow: AllowList): boolean => allow.hosts.has(bareHost(host));

/** May the relay connect to `ip`: public, or inside a configured range. */
export function mayConnectTo(ip: string, allow: AllowList): boolean {
  const f = family(ip);
  if (f === null) return false;
  return isPublicAddress(ip) || allow.subnets.check(ip, f);
}
