// `npm run lab -- --devices N [--mix | --platform P] [--state DIR] [--base-address 127.20.0.1] [--port 22|0]`
// Runs N simulated devices on consecutive loopback addresses — Catalyst 9300s, one platform of
// `--platform`, or with `--mix` every platform the lab simulates in turn — writes the inventory a
// netswim install can import, and logs one JSON line per lab event until Ctrl-C.
import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startLab } from './fleet.ts';
import { fleetSpecs, loadOrCreateCredentials, mixPlatforms, writeInventory } from './fleet-spec.ts';
import { LAB_PLATFORMS, type LabEvent, type LabPlatform } from './types.ts';

function log(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify(record)}\n`);
}

function usage(message: string): never {
  process.stderr.write(`${message}\nusage: tsx lab/main.ts --devices N [--mix | --platform ${mixPlatforms().join('|')}] [--state DIR] [--base-address 127.20.0.1] [--port 22|0] [--control-port 0]\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      devices: { type: 'string' },
      state: { type: 'string', default: 'data/lab' },
      'base-address': { type: 'string', default: '127.20.0.1' },
      port: { type: 'string', default: '22' },
      mix: { type: 'boolean', default: false },
      platform: { type: 'string' },
      'control-port': { type: 'string', default: '0' },
    },
  });
  const count = Number(values.devices);
  if (!Number.isInteger(count) || count < 1 || count > 60_000) usage('--devices must be a number from 1 to 60000');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) usage('--port must be a TCP port or 0');
  const controlPort = Number(values['control-port']);
  if (!Number.isInteger(controlPort) || controlPort < 0 || controlPort > 65_535) usage('--control-port must be a TCP port or 0');
  const known = LAB_PLATFORMS;
  let platforms: readonly LabPlatform[] = ['cat9300'];
  if (values.mix && values.platform !== undefined) usage('--mix and --platform exclude each other');
  if (values.mix) platforms = mixPlatforms();
  if (values.platform !== undefined) {
    const platform = known.find((p) => p === values.platform);
    if (!platform) usage(`--platform must be one of ${known.join(', ')}`);
    platforms = [platform];
  }
  const stateDir = resolve(values.state);

  await mkdir(stateDir, { recursive: true });
  const credentials = await loadOrCreateCredentials(stateDir);
  let specs;
  try {
    specs = fleetSpecs({ count, baseAddress: values['base-address'], port, credentials, platforms });
  } catch (error) {
    usage((error as Error).message);
  }

  const lab = await startLab({
    stateDir,
    devices: specs,
    // Faults are switched at run time through this loopback HTTP API (see README, Lab).
    controlPort,
    onEvent: (event: LabEvent) => log(event),
  }).catch((error: NodeJS.ErrnoException) => {
    const hint = error.code === 'EACCES' ? ' (ports below 1024 need privileges; try --port 0)' : '';
    process.stderr.write(`lab failed to start: ${error.message}${hint}\n`);
    process.exit(1);
  });

  const { path: inventoryPath } = await writeInventory(lab, stateDir);
  const perPlatform: Record<string, number> = {};
  for (const device of lab.devices) perPlatform[device.spec.platform] = (perPlatform[device.spec.platform] ?? 0) + 1;
  log({ event: 'ready', devices: lab.devices.length, platforms: perPlatform, inventory: inventoryPath, control: lab.controlUrl, time: new Date().toISOString() });

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
