// A fleet as `npm run lab` and the demo start it: consecutive loopback addresses, sites of 50,
// one platform or a mix cycling through every platform the lab simulates, one set of random lab
// credentials kept in the state folder, and the inventory file netswim imports.
import { randomBytes } from 'node:crypto';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { profileOf } from './platforms.ts';
import { familyOfModel } from '../domain/device-family.ts';
import { LAB_PLATFORMS, type DeviceSpec, type Lab, type LabPlatform } from './types.ts';

export interface Credentials {
  username: string;
  password: string;
  enableSecret: string;
}

const DEVICES_PER_SITE = 50;

/** The lab credentials file of a state folder, and the key of the lab's set inside it. */
export const CREDENTIALS_FILE = 'credentials.json';
export const CREDENTIALS_KEY = 'lab';

function isCredentials(value: unknown): value is Credentials {
  const v = value as Partial<Credentials> | null;
  return typeof v?.username === 'string' && typeof v.password === 'string' && typeof v.enableSecret === 'string';
}

export async function writeAtomically(path: string, text: string, mode = 0o600): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode });
  await rename(temp, path);
}

/**
 * Lab credentials are random per state folder and kept there, so they survive restarts:
 * `<stateDir>/credentials.json` holds `{ "lab": { username, password, enableSecret } }`, the
 * file + key an inventory entry's `credentialsRef` names. (A file of the earlier flat form is
 * rewritten in the keyed form, same values.)
 */
export async function loadOrCreateCredentials(stateDir: string): Promise<Credentials> {
  const path = join(stateDir, CREDENTIALS_FILE);
  let existing: Credentials | undefined;
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    const keyed = parsed[CREDENTIALS_KEY];
    if (isCredentials(keyed)) return { username: keyed.username, password: keyed.password, enableSecret: keyed.enableSecret };
    if (!isCredentials(parsed)) throw new Error(`${path} is not a lab credentials file`);
    existing = { username: parsed.username, password: parsed.password, enableSecret: parsed.enableSecret };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const credentials: Credentials = existing ?? {
    username: 'netswim',
    password: `lab-${randomBytes(9).toString('base64url')}`,
    enableSecret: `lab-${randomBytes(9).toString('base64url')}`,
  };
  await writeAtomically(path, `${JSON.stringify({ [CREDENTIALS_KEY]: credentials }, null, 2)}\n`);
  return credentials;
}

/** Every platform the lab simulates, in the order `--mix` cycles through them. */
// Not the Arista switch yet: netswim's inventory reads no EOS `show inventory` (it refuses it).
export function mixPlatforms(): readonly LabPlatform[] {
  return LAB_PLATFORMS.filter((platform) => platform !== 'dcs7050sx3');
}

/** Hostname prefix of a platform's devices: switches, routers and Nexus switches read apart. */
function hostnamePrefix(platform: LabPlatform): string {
  const profile = profileOf(platform);
  if (profile.iosXeRouter) return 'lab-rtr';
  switch (profile.family) {
    case 'ios':
      return 'lab-rtr';
    case 'nx-os':
      return 'lab-nx';
    default:
      return 'lab-sw';
  }
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
  /** Platforms device i cycles through (platforms[i % length]); default: all Catalyst 9300s. */
  platforms?: readonly LabPlatform[];
}

export function fleetSpecs(options: FleetOptions): DeviceSpec[] {
  const base = ipv4ToNumber(options.baseAddress);
  if (base + options.count - 1 > ipv4ToNumber('127.255.255.254') || base < ipv4ToNumber('127.0.0.1')) {
    throw new Error('the device addresses must stay inside 127.0.0.0/8');
  }
  const platforms = options.platforms ?? ['cat9300'];
  if (platforms.length === 0) throw new Error('a fleet needs at least one platform');
  return Array.from({ length: options.count }, (_, i) => {
    const platform = platforms[i % platforms.length]!;
    const spec: DeviceSpec = {
      // Numbered across the whole fleet, so a mixed fleet's names stay unique and follow addresses.
      hostname: `${hostnamePrefix(platform)}-${String(i + 1).padStart(3, '0')}`,
      address: numberToIpv4(base + i),
      port: options.port,
      platform,
      username: options.credentials.username,
      password: options.credentials.password,
      enableSecret: options.credentials.enableSecret,
      // Catalyst Center style site paths: Global/<area>/<building>.
      site: `Global/Lab/Site-${String(Math.floor(i / DEVICES_PER_SITE) + 1).padStart(2, '0')}`,
      // The first switch of each site is its distribution switch; the rest are access.
      role: i % DEVICES_PER_SITE === 0 ? 'distribution' : 'access',
    };
    if (options.reloadDurationMs !== undefined) spec.reloadDurationMs = options.reloadDurationMs;
    return spec;
  });
}

/** Where a consumer finds an entry's credentials: a JSON file and the key of the set inside it. */
export interface CredentialsRef {
  /** Absolute path of the credentials file. */
  file: string;
  key: string;
}

export interface InventoryEntry {
  hostname: string;
  address: string;
  port: number;
  platform: string;
  /** Device family golden tags use (e.g. cat9300), from the platform's chassis model. */
  family: string;
  /** Software: `ios-xe`, `ios` or `nx-os`. */
  os: string;
  site?: string;
  role?: string;
  /** The same credentials as the fields below, by reference, for consumers that resolve secrets themselves. */
  credentialsRef: CredentialsRef;
  username: string;
  password: string;
  enableSecret?: string;
}

/** Writes `<stateDir>/inventory.json` (mode 0600: it holds the lab credentials). */
export async function writeInventory(lab: Lab, stateDir: string): Promise<{ path: string; entries: InventoryEntry[] }> {
  const credentialsRef: CredentialsRef = { file: resolve(stateDir, CREDENTIALS_FILE), key: CREDENTIALS_KEY };
  const entries = lab.devices.map((d) => {
    const entry: InventoryEntry = {
      hostname: d.hostname,
      address: d.address,
      port: d.port,
      platform: d.spec.platform,
      family: familyOfModel(profileOf(d.spec.platform).model)?.family ?? d.spec.platform,
      os: profileOf(d.spec.platform).family,
      credentialsRef,
      username: d.spec.username,
      password: d.spec.password,
    };
    if (d.spec.site) entry.site = d.spec.site;
    if (d.spec.role) entry.role = d.spec.role;
    if (d.spec.enableSecret) entry.enableSecret = d.spec.enableSecret;
    return entry;
  });
  const path = join(stateDir, 'inventory.json');
  await writeAtomically(path, `${JSON.stringify(entries, null, 2)}\n`);
  return { path, entries };
}
