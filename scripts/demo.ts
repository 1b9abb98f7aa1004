// `npm run demo`: netswim's main job on embedded defaults. Builds or finds the Temporal CLI,
// starts the dev server (state in data/temporal), a lab of simulated switches, netswim itself
// (PGlite, image service, worker, API), then — through the API, as an operator would — imports
// an image, registers the lab devices, inventories them, makes the image golden and upgrades
// every outdated device, printing progress and compliance before and after.
// Stays up for the Temporal UI until Ctrl-C (or exits after the summary with --exit).
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import type { UpgradeView } from '../api/upgrade-status.ts';
import { startLab } from '../lab/fleet.ts';
import { fleetSpecs, loadOrCreateCredentials, writeInventory, type InventoryEntry } from '../lab/fleet-spec.ts';
import type { Lab } from '../lab/types.ts';
import { loadConfig } from '../runtime/config.ts';
import { createLogger, type Logger } from '../runtime/logger.ts';
import { startNetswim, type Netswim } from '../runtime/netswim.ts';
import { findTemporalCli } from './temporal-cli.ts';
import { startTemporalDevServer, WAL_PRAGMAS, type DevServer } from './temporal-dev-server.ts';

const DEMO_IMAGE = 'cat9k_iosxe.17.09.04a.SPA.bin';

const { values: args } = parseArgs({
  options: {
    devices: { type: 'string', default: '3' },
    'image-mb': { type: 'string', default: '32' },
    exit: { type: 'boolean', default: false },
    fresh: { type: 'boolean', default: false },
  },
});

const started = Date.now();
function say(message: string): void {
  const seconds = ((Date.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[${seconds}s] ${message}\n`);
}

function fail(message: string): never {
  process.stderr.write(`netswim demo: ${message}\n`);
  process.exit(1);
}

async function portIsFree(port: number, ip: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, ip, () => server.close(() => resolve(true)));
  });
}

/** A demo image of random bytes, made once and reused so a second run imports the same image. */
async function demoImage(dir: string, megabytes: number): Promise<string> {
  const path = join(dir, DEMO_IMAGE);
  const wanted = megabytes * 1024 * 1024;
  const existing = await stat(path).catch(() => undefined);
  if (existing?.size === wanted) return path;
  await mkdir(dir, { recursive: true });
  let left = wanted;
  const chunks = Readable.from(
    (function* () {
      while (left > 0) {
        const size = Math.min(left, 1024 * 1024);
        left -= size;
        yield randomBytes(size);
      }
    })(),
  );
  await pipeline(chunks, createWriteStream(path));
  return path;
}

class Api {
  constructor(
    private readonly url: string,
    private readonly token: string,
  ) {}

  async call<T>(method: string, path: string, body?: unknown, okStatuses: number[] = []): Promise<{ status: number; body: T }> {
    const init: RequestInit = { method, headers: { authorization: `Bearer ${this.token}` } };
    if (body !== undefined) {
      init.body = JSON.stringify(body);
      init.headers = { ...init.headers, 'content-type': 'application/json' };
    }
    const response = await fetch(this.url + path, init);
    const parsed = (await response.json()) as T;
    if (!response.ok && !okStatuses.includes(response.status)) throw new Error(`${method} ${path} → ${response.status}: ${JSON.stringify(parsed)}`);
    return { status: response.status, body: parsed };
  }

  /** Streams the file as the request body: the API never holds a whole image in memory. */
  async upload(path: string, fileName: string): Promise<{ id: string; sizeBytes: number; md5: string; created: boolean }> {
    const init: RequestInit & { duplex: 'half' } = {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/octet-stream', 'content-length': String((await stat(path)).size) },
      body: Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>,
      duplex: 'half',
    };
    const response = await fetch(`${this.url}/images?fileName=${encodeURIComponent(fileName)}`, init);
    const body = (await response.json()) as { id: string; sizeBytes: number; md5: string; created: boolean; error?: string };
    if (!response.ok) throw new Error(`image upload → ${response.status}: ${body.error}`);
    return body;
  }
}

function describeProgress(view: UpgradeView): string {
  if (view.stage === 'distribute' && view.transfer) {
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    return `distribute ${view.transfer.phase} ${view.transfer.percent}% (${mb(view.transfer.bytes)} of ${mb(view.transfer.totalBytes)} MB)`;
  }
  const last = view.status?.events.at(-1)?.message;
  return last ? `${view.stage}: ${last}` : view.stage;
}

async function runUpgrades(api: Api, devices: InventoryEntry[], imageId: string): Promise<Map<string, UpgradeView>> {
  const ids = new Map<string, string>();
  for (const device of devices) {
    const { body } = await api.call<{ workflowId: string }>('POST', '/upgrades', { device: device.hostname, imageId });
    ids.set(device.hostname, body.workflowId);
    say(`${device.hostname}: upgrade started as workflow ${body.workflowId}`);
  }
  const last = new Map<string, string>();
  const final = new Map<string, UpgradeView>();
  while (final.size < ids.size) {
    for (const [hostname, workflowId] of ids) {
      if (final.has(hostname)) continue;
      const { body: view } = await api.call<UpgradeView>('GET', `/upgrades/${workflowId}`);
      const line = describeProgress(view);
      // Transfer percentages move every poll; print them in 10 % steps to keep the log readable.
      const key = line.replace(/ (\d+)% \(.*/, (_m, p: string) => ` ${Math.floor(Number(p) / 10) * 10}%`);
      if (last.get(hostname) !== key) {
        last.set(hostname, key);
        say(`${hostname}: ${line}`);
      }
      if (view.execution !== 'RUNNING') {
        final.set(hostname, view);
        say(`progress: ${final.size}/${ids.size} devices finished`);
      }
    }
    if (final.size < ids.size) await new Promise((r) => setTimeout(r, 500));
  }
  return final;
}

async function runInventory(api: Api): Promise<void> {
  const { body } = await api.call<{ workflowId: string; devices: number }>('POST', '/inventory', {});
  say(`inventory: reading ${body.devices} devices (workflow ${body.workflowId})`);
  for (;;) {
    const { body: view } = await api.call<{ execution: string; progress?: { done: number; total: number; failed: number }; error?: string }>('GET', `/inventory/${body.workflowId}`);
    if (view.execution !== 'RUNNING') {
      const p = view.progress;
      say(`inventory: ${view.execution.toLowerCase()}, ${p?.done ?? 0}/${p?.total ?? 0} devices read, ${p?.failed ?? 0} failed${view.error ? `: ${view.error}` : ''}`);
      return;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
}

/** Prints the compliance counts and returns the outdated devices. */
async function reportCompliance(api: Api, when: string): Promise<string[]> {
  const { body } = await api.call<{ counts: Record<string, number>; devices: { hostname: string; status: string; reason: string }[] }>('GET', '/compliance');
  say(`compliance ${when}: ${Object.entries(body.counts).map(([status, n]) => `${n} ${status}`).join(', ')}`);
  return body.devices.filter((d) => d.status === 'outdated').map((d) => d.hostname);
}

function printSummary(devices: InventoryEntry[], results: Map<string, UpgradeView>): boolean {
  let allGood = true;
  say('summary:');
  for (const device of devices) {
    const view = results.get(device.hostname);
    const outcome = view?.result?.outcome ?? 'failed';
    if (outcome === 'failed') allGood = false;
    const detail =
      outcome === 'upgraded'
        ? `${view?.result?.fromVersion} → ${view?.result?.toVersion}, boot ${view?.result?.bootVariables.join(';')}`
        : outcome === 'already-running'
          ? `already runs ${view?.result?.toVersion}`
          : (view?.error ?? 'unknown failure');
    const seconds = view?.startedAt && view.closedAt ? ((Date.parse(view.closedAt) - Date.parse(view.startedAt)) / 1000).toFixed(1) : '?';
    process.stdout.write(`    ${device.hostname.padEnd(12)} ${outcome.padEnd(16)} ${seconds.padStart(6)} s  ${detail}\n`);
  }
  return allGood;
}

function installTemporalRuntime(logger: Logger): void {
  const forward = (level: 'warn' | 'error') => (message: string, meta?: Record<string, unknown>) => logger[level](message, { source: 'temporal-sdk', ...meta });
  const quiet = () => undefined;
  // shutdownSignals: [] — the demo stops the worker itself, in order, on Ctrl-C.
  Runtime.install({
    logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: forward('warn'), error: forward('error') },
    shutdownSignals: [],
    telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }), console: {} } },
  });
}

async function main(): Promise<void> {
  const deviceCount = Number(args.devices);
  const imageMb = Number(args['image-mb']);
  if (!Number.isInteger(deviceCount) || deviceCount < 1 || deviceCount > 500) fail('--devices must be a whole number from 1 to 500');
  if (!Number.isInteger(imageMb) || imageMb < 1 || imageMb > 2048) fail('--image-mb must be a whole number from 1 to 2048');

  // The demo always runs embedded: PGlite and a generated admin token in the data folder.
  const config = loadConfig({ ...process.env, NETSWIM_API_TOKENS: undefined, DATABASE_URL: undefined });
  const logFile = join(config.dataDir, 'logs', 'netswim.log');
  await mkdir(join(config.dataDir, 'logs'), { recursive: true });
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const logger = createLogger({ level: config.logLevel, write: (line) => logStream.write(line + '\n') });
  installTemporalRuntime(logger);
  say(`data folder ${config.dataDir}; structured logs in ${logFile}`);

  const stops: Array<{ name: string; stop: () => Promise<void> }> = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const { name, stop } of stops.reverse()) {
        await stop().catch((error: Error) => say(`stopping ${name} failed: ${error.message}`));
      }
      await new Promise<void>((resolve) => logStream.end(resolve));
    })());
  process.on('SIGINT', () => {
    if (stopping) {
      process.stderr.write('second Ctrl-C: exiting without a clean stop\n');
      process.exit(130);
    }
    say('Ctrl-C: stopping netswim, the lab and the Temporal server');
    void stopAll().then(() => process.exit(0));
  });

  try {
    const cli = await findTemporalCli({ onProgress: say });
    say(`Temporal CLI: ${cli.path} (${cli.source})`);

    let temporalAddress = config.temporalAddress;
    let uiUrl: string | undefined;
    if (!temporalAddress) {
      const ip = '127.0.0.1';
      const port = Number(process.env.NETSWIM_TEMPORAL_PORT ?? 7233);
      const uiPort = Number(process.env.NETSWIM_TEMPORAL_UI_PORT ?? 8233);
      for (const p of [port, uiPort]) {
        if (!(await portIsFree(p, ip))) fail(`port ${p} on ${ip} is in use (another demo still running?); stop it or set NETSWIM_TEMPORAL_PORT / NETSWIM_TEMPORAL_UI_PORT`);
      }
      const server: DevServer = await startTemporalDevServer({
        cliPath: cli.path,
        ip,
        port,
        uiPort,
        dbFile: join(config.dataDir, 'temporal', 'temporal.db'),
        logFile: join(config.dataDir, 'logs', 'temporal.log'),
        sqlitePragmas: WAL_PRAGMAS,
      });
      stops.push({ name: 'Temporal dev server', stop: () => server.stop() });
      temporalAddress = server.address;
      uiUrl = server.uiUrl;
      say(`Temporal dev server at ${server.address}, Web UI ${server.uiUrl}`);
    }

    const labDir = join(config.dataDir, 'lab');
    // --fresh puts the lab devices back on their original image; their credentials (which netswim
    // already holds) and host key stay.
    if (args.fresh) {
      for (const part of ['devices', 'blobs']) await rm(join(labDir, part), { recursive: true, force: true });
    }
    await mkdir(labDir, { recursive: true });
    const credentials = await loadOrCreateCredentials(labDir);
    const labPort = Number(process.env.NETSWIM_LAB_PORT ?? 2222);
    const lab: Lab = await startLab({
      stateDir: labDir,
      devices: fleetSpecs({ count: deviceCount, baseAddress: '127.20.0.1', port: labPort, credentials, reloadDurationMs: 3000 }),
      onEvent: (event) => logger.info('lab event', { ...event }),
    });
    stops.push({ name: 'lab', stop: () => lab.stop() });
    const { entries: inventory, path: inventoryPath } = await writeInventory(lab, labDir);
    say(`lab: ${lab.devices.length} simulated Catalyst 9300s over SSH (${lab.devices.map((d) => `${d.address}:${d.port}`).join(', ')}); inventory ${inventoryPath}`);

    if (!(await portIsFree(config.api.port, config.api.host))) fail(`API port ${config.api.port} is in use; set NETSWIM_API_PORT`);
    const netswim: Netswim = await startNetswim({ config, temporalAddress, logger });
    stops.push({ name: 'netswim', stop: () => netswim.stop() });
    say(`netswim API ${netswim.apiUrl} (admin token in ${config.api.tokenFile}), image service ${netswim.imageServiceUrl}`);
    const api = new Api(netswim.apiUrl!, netswim.generatedAdminToken!);

    const imagePath = await demoImage(join(config.dataDir, 'demo'), imageMb);
    const image = await api.upload(imagePath, DEMO_IMAGE);
    say(`image ${DEMO_IMAGE}: ${image.sizeBytes} bytes, md5 ${image.md5} (${image.created ? 'imported' : 'already in the repository'})`);

    // The lab's inventory file, imported in one call (devices from an earlier run are refreshed).
    const { body: imported } = await api.call<{ created: number; updated: number }>('POST', '/devices/import', inventory);
    say(`devices: ${imported.created} registered, ${imported.updated} refreshed from ${inventoryPath}`);

    // Inventory reads what each device runs; the image becomes golden for the lab's family;
    // compliance then names the devices to upgrade.
    await runInventory(api);
    await api.call('PATCH', `/images/${image.id}`, { families: ['cat9300'] });
    await api.call('POST', `/images/${image.id}/golden`, { family: 'cat9300' });
    say(`golden: ${DEMO_IMAGE} for family cat9300`);
    const outdated = await reportCompliance(api, 'before');
    const toUpgrade = inventory.filter((d) => outdated.includes(d.hostname));
    const results = await runUpgrades(api, toUpgrade.length > 0 ? toUpgrade : inventory, image.id);
    await reportCompliance(api, 'after');
    const allGood = printSummary(toUpgrade.length > 0 ? toUpgrade : inventory, results);
    const ui = uiUrl ?? '(your Temporal UI)';
    say(`Temporal UI: ${ui}/namespaces/default/workflows — search e.g. NetswimDevice = '${inventory[0]?.hostname}' or NetswimStage = 'failed'`);
    if (args.exit) {
      await stopAll();
      process.exit(allGood ? 0 : 1);
    }
    say('netswim keeps running for you to look around (API, Temporal UI). Ctrl-C stops everything.');
  } catch (error) {
    say(`failed: ${(error as Error).message}`);
    await stopAll();
    process.exit(1);
  }
}

await main();
