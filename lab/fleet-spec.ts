// A fleet as `npm run lab` and the demo start it: consecutive loopback addresses, sites of 50,
// one set of random lab credentials kept in the state folder, and the inventory file netswim imports.
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeviceSpec, Lab } from './types.ts';

export interface Credentials {
  username: string;
  password: string;
  enableSecret: string;
}

const DEVICES_PER_SITE = 50;

export async function writeAtomically(path: string, text: string, mode = 0o600): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode });
  await rename(temp, path);
}

/** Lab credentials are random per state folder and kept there, so they survive restarts. */
export async function loadOrCreateCredentials(stateDir: string): Promise<Credentials> {
  const path = join(stateDir, 'credentials.json');
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<Credentials>;
    if (typeof parsed.username === 'string' && typeof parsed.password === 'string' && typeof parsed.enableSecret === 'string') {
      return { username: parsed.username, password: parsed.password, enableSecret: parsed.enableSecret };
    }
    throw new Error(`${path} is not a lab credentials file`);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const credentials: Credentials = {
    username: 'netswim',
    password: `lab-${randomBytes(9).toString('base64url')}`,
    enableSecret: `lab-${randomBytes(9).toString('base64url')}`,
  };
  await writeAtomically(path, `${JSON.stringify(credentials, null, 2)}\n`);
  return credentials;
}

export function ipv4ToNumber(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`--base-address must be an IPv4 address, got "${address}"`);
  }
  return parts.reduce((n, p) => n * 256 + p, 0);
}

export function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

export interface FleetOptions {
  count: number;
  baseAddress: string;
  port: number;
  credentials: Credentials;
  reloadDurationMs?: number;
}

export function fleetSpecs(options: FleetOptions): DeviceSpec[] {
  const base = ipv4ToNumber(options.baseAddress);
  if (base + options.count - 1 > ipv4ToNumber('127.255.255.254') || base < ipv4ToNumber('127.0.0.1')) {
    throw new Error('the device addresses must stay inside 127.0.0.0/8');
  }
  return Array.from({ length: options.count }, (_, i) => {
    const spec: DeviceSpec = {
      hostname: `lab-sw-${String(i + 1).padStart(3, '0')}`,
      address: numberToIpv4(base + i),
      port: options.port,
      platform: 'cat9300',
      username: options.credentials.username,
      password: options.credentials.password,
      enableSecret: options.credentials.enableSecret,
      site: `lab-site-${String(Math.floor(i / DEVICES_PER_SITE) + 1).padStart(2, '0')}`,
      // The first switch of each site is its distribution switch; the rest are access.
      role: i % DEVICES_PER_SITE === 0 ? 'distribution' : 'access',
    };
    if (options.reloadDurationMs !== undefined) spec.reloadDurationMs = options.reloadDurationMs;
    return spec;
  });
}

export interface InventoryEntry {
  hostname: string;
  address: string;
  port: number;
  platform: string;
  site?: string;
  role?: string;
  username: string;
  password: string;
  enableSecret?: string;
}

/** Writes `<stateDir>/inventory.json` (mode 0600: it holds the lab credentials). */
export async function writeInventory(lab: Lab, stateDir: string): Promise<{ path: string; entries: InventoryEntry[] }> {
  const entries = lab.devices.map((d) => {
    const entry: InventoryEntry = { hostname: d.hostname, address: d.address, port: d.port, platform: d.spec.platform, username: d.spec.username, password: d.spec.password };
    if (d.spec.site) entry.site = d.spec.site;
    if (d.spec.role) entry.role = d.spec.role;
    if (d.spec.enableSecret) entry.enableSecret = d.spec.enableSecret;
    return entry;
  });
  const path = join(stateDir, 'inventory.json');
  await writeAtomically(path, `${JSON.stringify(entries, null, 2)}\n`);
  return { path, entries };
}
