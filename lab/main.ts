// `npm run lab -- --devices N [--state DIR] [--base-address 127.20.0.1] [--port 22|0]`
// Runs N simulated Catalyst 9300s on consecutive loopback addresses, writes the inventory a
// netswim install can import, and logs one JSON line per lab event until Ctrl-C.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLab } from './fleet.ts';
import type { DeviceSpec, LabEvent } from './types.ts';

interface Credentials {
  username: string;
  password: string;
  enableSecret: string;
}

const DEVICES_PER_SITE = 50;

function log(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

async function writeAtomically(path: string, text: string, mode = 0o600): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, text, { mode });
  await rename(temp, path);
}

/** Lab credentials are random per state folder and kept there, so they survive restarts. */
async function loadOrCreateCredentials(stateDir: string): Promise<Credentials> {
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

function ipv4ToNumber(address: string): number {
  const parts = address.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) {
    throw new Error(`--base-address must be an IPv4 address, got "${address}"`);
  }
  return parts.reduce((n, p) => n * 256 + p, 0);
}

function numberToIpv4(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: tsx lab/main.ts --devices N [--state DIR] [--base-address 127.20.0.1] [--port 22|0]\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string' },
      state: { type: 'string', default: 'data/lab' },
      'base-address': { type: 'string', default: '127.20.0.1' },
      port: { type: 'string', default: '22' },
    },
  });
  const count = Number(values.devices);
  if (!Number.isInteger(count) || count < 1 || count > 60_000) usage('--devices must be a number from 1 to 60000');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) usage('--port must be a TCP port or 0');
  const stateDir = resolve(values.state);
  const base = ipv4ToNumber(values['base-address']);
  if (base + count - 1 > ipv4ToNumber('127.255.255.254') || base < ipv4ToNumber('127.0.0.1')) {
    usage('the device addresses must stay inside 127.0.0.0/8');
  }

  await mkdir(stateDir, { recursive: true });
  const credentials = await loadOrCreateCredentials(stateDir);
  const specs: DeviceSpec[] = Array.from({ length: count }, (_, i) => {
    const site = `lab-site-${String(Math.floor(i / DEVICES_PER_SITE) + 1).padStart(2, '0')}`;
    return {
      hostname: `lab-sw-${String(i + 1).padStart(3, '0')}`,
      address: numberToIpv4(base + i),
      port,
      platform: 'cat9300',
      username: credentials.username,
      password: credentials.password,
      enableSecret: credentials.enableSecret,
      site,
      // The first switch of each site is its distribution switch; the rest are access.
      role: i % DEVICES_PER_SITE === 0 ? 'distribution' : 'access',
    };
  });

  const lab = await startLab({
    stateDir,
    devices: specs,
    onEvent: (event: LabEvent) => log(event),
  }).catch((error: NodeJS.ErrnoException) => {
    const hint = error.code === 'EACCES' ? ' (ports below 1024 need privileges; try --port 0)' : '';
    process.stderr.write(`lab failed to start: ${error.message}${hint}\n`);
    process.exit(1);
  });

  const inventory = lab.devices.map((d) => ({
    hostname: d.hostname,
    address: d.address,
    port: d.port,
    platform: d.spec.platform,
    site: d.spec.site,
    role: d.spec.role,
    username: d.spec.username,
    password: d.spec.password,
    enableSecret: d.spec.enableSecret,
  }));
  const inventoryPath = join(stateDir, 'inventory.json');
  await writeAtomically(inventoryPath, `${JSON.stringify(inventory, null, 2)}\n`);
  log({ event: 'ready', devices: lab.devices.length, inventory: inventoryPath, time: new Date().toISOString() });

  let stopping = false;
  const shutdown = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    lab.stop().then(
      () => {
        log({ event: 'stopped', signal, time: new Date().toISOString() });
        process.exit(0);
      },
      (error: Error) => {
        process.stderr.write(`lab stop failed: ${error.message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error.message}\n`);
  process.exit(1);
});
