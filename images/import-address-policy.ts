// Which addresses an image import may connect to (issue 14, SSRF). Pure: given the address a
// connection would go to, the host name the URL gave and the port, it answers allowed or refused
// with the reason. Refused by default: loopback, link-local (cloud metadata included),
// unspecified, multicast and broadcast, the same inside IPv4-mapped / -compatible IPv6, and
// netswim's own services (API, image service, SCP service, Temporal, database) — those last ones
// even when NETSWIM_IMPORT_ALLOW lets their host through, so that allowing a lab file server on
// loopback never opens the API or Temporal on the same host. Private networks (RFC 1918, ULA) are
// allowed: image servers live there.
import { isIP } from 'node:net';

/** An IP network: `bits` of `base` (IPv4 in 32 bits, IPv6 in 128). */
export interface Network {
  version: 4 | 6;
  base: bigint;
  bits: number;
  text: string;
}

/** A NETSWIM_IMPORT_ALLOW entry: a host name as written in URLs, or a network; optionally one port. */
export type AllowEntry = { kind: 'host'; host: string; port?: number } | { kind: 'network'; network: Network; port?: number };

/** One of netswim's own listeners, by address (an IP) and port. */
export interface OwnService {
  name: string;
  address: string;
  port: number;
}

export interface ImportAddressPolicy {
  allow: readonly AllowEntry[];
  ownServices: readonly OwnService[];
}

export type AddressVerdict = { allowed: true } | { allowed: false; reason: string };

/** Parses an IPv4 or IPv6 address (brackets allowed) into its number, or undefined. */
export function parseIp(text: string): { version: 4 | 6; value: bigint } | undefined {
  const bare = text.replace(/^\[(.*)\]$/, '$1');
  const version = isIP(bare);
  if (version === 4) return { version: 4, value: bare.split('.').reduce((n, part) => (n << 8n) | BigInt(Number(part)), 0n) };
  if (version !== 6) return undefined;
  let address = bare.replace(/%.*$/, '');
  // An embedded IPv4 tail (::ffff:127.0.0.1) becomes two groups.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (v4?.[1]) {
    const n = parseIp(v4[1])?.value ?? 0n;
    address = address.slice(0, -v4[1].length) + `${(n >> 16n).toString(16)}:${(n & 0xffffn).toString(16)}`;
  }
  const [head = '', tail] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return { version: 6, value: groups.reduce((n, group) => (n << 16n) | BigInt(parseInt(group, 16)), 0n) };
}

function formatIpv4(value: bigint): string {
  return [24n, 16n, 8n, 0n].map((shift) => String((value >> shift) & 0xffn)).join('.');
}

/** Parses `10.0.0.0/8`, `fd00::/8` or a bare address (a /32 or /128); undefined when it is neither. */
export function parseNetwork(text: string): Network | undefined {
  const [address = '', bitsText, extra] = text.split('/');
  const ip = parseIp(address);
  if (!ip || extra !== undefined) return undefined;
  const max = ip.version === 4 ? 32 : 128;
  if (bitsText !== undefined && !/^\d{1,3}$/.test(bitsText)) return undefined;
  const bits = bitsText === undefined ? max : Number(bitsText);
  if (bits > max) return undefined;
  const mask = ((1n << BigInt(bits)) - 1n) << BigInt(max - bits);
  return { version: ip.version, base: ip.value & mask, bits, text: bitsText === undefined ? address : `${address}/${bits}` };
}

function contains(network: Network, ip: { version: 4 | 6; value: bigint }): boolean {
  if (network.version !== ip.version) return false;
  const shift = BigInt((ip.version === 4 ? 32 : 128) - network.bits);
  return ip.value >> shift === network.base >> shift;
}

const REFUSED: ReadonlyArray<{ network: Network; what: string }> = (
  [
    ['0.0.0.0/8', 'an unspecified ("this network") address'],
    ['127.0.0.0/8', 'a loopback address'],
    ['169.254.0.0/16', 'a link-local address (cloud metadata lives there)'],
    ['224.0.0.0/4', 'a multicast address'],
    ['255.255.255.255/32', 'the broadcast address'],
    ['::/128', 'the unspecified address'],
    ['::1/128', 'a loopback address'],
    ['fe80::/10', 'a link-local address'],
    ['ff00::/8', 'a multicast address'],
    ['fd00:ec2::254/128', 'a cloud metadata address'],
  ] as const
).map(([text, what]) => ({ network: parseNetwork(text) as Network, what }));

const MAPPED = parseNetwork('::ffff:0.0.0.0/96') as Network;
const COMPATIBLE = parseNetwork('::/96') as Network;

/** The IPv4 address an IPv6 one carries (::ffff:a.b.c.d mapped, ::a.b.c.d compatible), else itself. */
function effective(ip: { version: 4 | 6; value: bigint }): { version: 4 | 6; value: bigint } {
  if (ip.version === 6 && (contains(MAPPED, ip) || (contains(COMPATIBLE, ip) && ip.value > 1n))) return { version: 4, value: ip.value & 0xffffffffn };
  return ip;
}

/** Why an address is refused by default ("a loopback address (127.0.0.0/8)"), or undefined. */
export function refusedRange(address: string): string | undefined {
  const ip = parseIp(address);
  if (!ip) return undefined;
  const target = effective(ip);
  const hit = REFUSED.find((range) => contains(range.network, target));
  if (!hit) return undefined;
  const mapped = target !== ip ? ` (IPv6 form of ${formatIpv4(target.value)})` : '';
  return `${hit.what} (${hit.network.text})${mapped}`;
}

function sameAddress(a: string, b: string): boolean {
  const x = parseIp(a);
  const y = parseIp(b);
  if (!x || !y) return false;
  const ex = effective(x);
  const ey = effective(y);
  return ex.version === ey.version && ex.value === ey.value;
}

function allowedBy(entry: AllowEntry, host: string, address: string, port: number): boolean {
  if (entry.port !== undefined && entry.port !== port) return false;
  if (entry.kind === 'host') return entry.host === host.toLowerCase().replace(/\.$/, '');
  const ip = parseIp(address);
  return ip !== undefined && (contains(entry.network, ip) || contains(entry.network, effective(ip)));
}

/** Shows an address with its port (`[::1]:8080` for IPv6). */
export function endpointText(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

/** Refused when `address:port` is one of netswim's own services (whatever NETSWIM_IMPORT_ALLOW says). */
export function ownServiceRefusal(ownServices: readonly OwnService[], address: string, port: number): { allowed: false; reason: string } | undefined {
  const own = ownServices.find((service) => service.port === port && sameAddress(service.address, address));
  return own ? { allowed: false, reason: `${endpointText(address, port)} is netswim's own ${own.name}, never an image source` } : undefined;
}

/**
 * The verdict for a connection to `address:port` made for a URL naming `host` (the URL's host
 * name, or the address itself when the URL gave one).
 */
export function checkImportAddress(policy: ImportAddressPolicy, target: { host: string; address: string; port: number }): AddressVerdict {
  const own = ownServiceRefusal(policy.ownServices, target.address, target.port);
  if (own) return own;
  const range = refusedRange(target.address);
  if (!range) return { allowed: true };
  if (policy.allow.some((entry) => allowedBy(entry, target.host, target.address, target.port))) return { allowed: true };
  return { allowed: false, reason: `${target.address} is ${range}; NETSWIM_IMPORT_ALLOW can allow it` };
}

const HOST_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

/**
 * Parses NETSWIM_IMPORT_ALLOW: comma-separated host names, addresses and CIDR networks, each with
 * an optional `:port` (`[v6]:port` for an IPv6 address): `files.lab, 127.0.0.1:2121, 10.9.0.0/16`.
 * Throws with the entry that is none of these.
 */
export function parseImportAllow(text: string | undefined): AllowEntry[] {
  const entries: AllowEntry[] = [];
  for (const raw of (text ?? '').split(',')) {
    const item = raw.trim().toLowerCase();
    if (!item) continue;
    let body = item;
    let port: number | undefined;
    const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(item);
    const withPort = /^([^:]+):(\d+)$/.exec(item);
    if (bracketed?.[1]) {
      body = bracketed[1];
      if (bracketed[2] !== undefined) port = Number(bracketed[2]);
    } else if (withPort?.[1] && withPort[2] !== undefined) {
      body = withPort[1];
      port = Number(withPort[2]);
    }
    if (port !== undefined && (port < 1 || port > 65535)) throw new Error(`NETSWIM_IMPORT_ALLOW: ${JSON.stringify(raw.trim())}: the port must be from 1 to 65535`);
    const network = parseNetwork(body);
    const portPart = port === undefined ? {} : { port };
    if (network) entries.push({ kind: 'network', network, ...portPart });
    else if (!body.includes('/') && !/^[\d.]+$/.test(body) && HOST_NAME.test(body.replace(/\.$/, ''))) entries.push({ kind: 'host', host: body.replace(/\.$/, ''), ...portPart });
    else throw new Error(`NETSWIM_IMPORT_ALLOW: ${JSON.stringify(raw.trim())} is not a host name, an IP address or a CIDR network (optionally with :port)`);
  }
  return entries;
}
