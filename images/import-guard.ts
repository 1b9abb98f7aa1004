// The enforcement of the import address policy (import-address-policy.ts) around real
// connections. The API refuses literal addresses at once; the download activity resolves the
// host once, checks every address it resolves to (one refused address refuses the import: a name
// that answers a public and a loopback address is a rebinding attempt), then connects to the
// checked address itself — the HTTP(S) client gets a lookup that only returns it, the FTP client
// connects to it — so a second, different DNS answer is never used.
import { promises as dnsPromises, type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { networkInterfaces } from 'node:os';
import { checkImportAddress, ownServiceRefusal, parseIp, type AllowEntry, type OwnService } from './import-address-policy.ts';

/** Every address a name resolves to. */
export type LookupAll = (host: string) => Promise<LookupAddress[]>;

export const systemLookupAll: LookupAll = (host) => dnsPromises.lookup(host, { all: true, verbatim: true });

/** One of netswim's own listeners as configured: `host` is an IP, a name, or unspecified (0.0.0.0, ::). */
export interface OwnListener {
  name: string;
  host: string;
  port: number;
}

export interface ImportGuard {
  /** NETSWIM_IMPORT_ALLOW. */
  allow: readonly AllowEntry[];
  /** netswim's own listeners, read at each check (ports picked at start are known by then). */
  ownListeners: () => readonly OwnListener[];
  /** Name resolution (tests inject one); the system resolver by default. */
  lookup?: LookupAll;
}

/** An import the policy refuses; the message says which address and why, never the URL's credentials. */
export class ImportRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ImportRefusedError';
  }
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ftp:': 21 };

export function portOf(url: URL): number {
  return url.port ? Number(url.port) : (DEFAULT_PORTS[url.protocol] ?? 0);
}

/** The address when the URL's host is a literal IP (WHATWG URL has already normalized 0x7f.1, 2130706433…). */
export function literalAddressOf(url: URL): string | undefined {
  const bare = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return parseIp(bare) ? bare : undefined;
}

function localAddresses(): string[] {
  const addresses = ['127.0.0.1', '::1'];
  for (const list of Object.values(networkInterfaces())) for (const entry of list ?? []) addresses.push(entry.address.replace(/%.*$/, ''));
  return addresses;
}

/** The own listeners by address: an unspecified host is every local address, a name what it resolves to now. */
async function ownServices(guard: ImportGuard): Promise<OwnService[]> {
  const lookup = guard.lookup ?? systemLookupAll;
  const services: OwnService[] = [];
  for (const listener of guard.ownListeners()) {
    if (!listener.port) continue;
    const host = listener.host.replace(/^\[(.*)\]$/, '$1');
    let addresses: string[];
    if (host === '' || host === '0.0.0.0' || host === '::') addresses = localAddresses();
    else if (parseIp(host)) addresses = [host];
    else addresses = await lookup(host).then((found) => found.map((a) => a.address), () => []);
    for (const address of addresses) services.push({ name: listener.name, address, port: listener.port });
  }
  return services;
}

async function verdictFor(guard: ImportGuard, host: string, address: string, port: number) {
  return checkImportAddress({ allow: guard.allow, ownServices: await ownServices(guard) }, { host, address, port });
}

/**
 * What the API can tell without resolving a name: the reason a literal address is refused
 * (`url: refused: …`), or undefined (allowed, or a name the activity will resolve and check).
 */
export async function literalImportRefusal(guard: ImportGuard, url: URL): Promise<string | undefined> {
  const address = literalAddressOf(url);
  if (!address) return undefined;
  const verdict = await verdictFor(guard, address, address, portOf(url));
  return verdict.allowed ? undefined : `url: refused: ${verdict.reason}`;
}

/** A checked address to connect to. */
export interface ImportTarget {
  address: string;
  family: 4 | 6;
  port: number;
}

/**
 * Resolves the URL's host once and checks every address; throws ImportRefusedError when one is
 * refused, the resolver's error (ENOTFOUND…) when there is none, else returns the one to use.
 */
export async function resolveImportTarget(guard: ImportGuard, url: URL, port = portOf(url)): Promise<ImportTarget> {
  const literal = literalAddressOf(url);
  const found: LookupAddress[] = literal ? [{ address: literal, family: literal.includes(':') ? 6 : 4 }] : await (guard.lookup ?? systemLookupAll)(url.hostname);
  const first = found[0];
  if (!first) throw Object.assign(new Error(`${url.hostname} resolves to no address`), { code: 'ENOTFOUND' });
  for (const { address } of found) {
    const verdict = await verdictFor(guard, url.hostname, address, port);
    if (!verdict.allowed) throw new ImportRefusedError(literal ? `refused: ${verdict.reason}` : `refused: ${url.hostname} resolves to ${address}: ${verdict.reason}`);
  }
  return { address: first.address, family: first.family === 6 ? 6 : 4, port };
}

/**
 * Checks FTP's data connection: basic-ftp sends it to the control connection's (checked) address,
 * but the port is the server's choice and must not be one of netswim's own services there.
 */
export async function checkDataConnection(guard: ImportGuard, address: string, port: number): Promise<void> {
  const refusal = ownServiceRefusal(await ownServices(guard), address, port);
  if (refusal) throw new ImportRefusedError(`refused: the FTP server named a data connection to ${refusal.reason}`);
}

/** A lookup for http.get / https.get that answers the checked address only, whatever it is asked. */
export function pinnedLookup(target: ImportTarget): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, [{ address: target.address, family: target.family }]);
    else callback(null, target.address, target.family);
  };
}
