// Composition root: opens the database, the image store and its HTTP service, and runs the API
// and/or the worker. Embedded mode runs both in one process because PGlite is single-process;
// with PostgreSQL they can run as separate processes (api/main.ts, workers/main.ts).
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { serve } from '@hono/node-server';
import { Client, Connection } from '@temporalio/client';
import type { Worker } from '@temporalio/worker';
import { createApi } from '../api/app.ts';
import { parseApiTokens, type TokenTable } from '../api/auth.ts';
import { startImageService, type ImageService } from '../distribution/image-service.ts';
import { loadOrCreateHostKey, scpServicePassword, SCP_SERVICE_USER, startScpService, type ScpService, type ScpServiceAccess } from '../distribution/scp-service.ts';
import { ImageStore } from '../images/image-store.ts';
import type { ImportGuard, OwnListener } from '../images/import-guard.ts';
import { createNetswimWorker } from '../workers/worker.ts';
import { createItsmClient } from '../itsm/client.ts';
import { ensureInventorySchedule } from '../workers/inventory-schedule.ts';
import { openDatabase, type Database } from '../store/database.ts';
import { createSecretBox, loadSecretKey, type SecretBox } from '../store/secret-box.ts';
import type { NetswimConfig } from './config.ts';
import type { Logger } from './logger.ts';

export interface NetswimOptions {
  config: NetswimConfig;
  temporalAddress: string;
  logger: Logger;
  runApi?: boolean;
  runWorker?: boolean;
  /** The image store to use instead of one on `config.imageDir` (a test's small or failing disk). */
  imageStore?: ImageStore;
}

export interface Netswim {
  db: Database;
  secretBox: SecretBox;
  imageStore: ImageStore;
  /** Runs with the API; a worker-only process points devices at the API's one. */
  imageService?: ImageService;
  /** The URL devices fetch images from. */
  imageServiceUrl: string;
  /** netswim's SCP service (the HTTP(S) fallback); runs with the API unless NETSWIM_SCP_SERVICE_PORT=off. */
  scpService?: ScpService;
  /**
   * How devices reach the SCP service, password included: in-process only (the activities put it
   * into the device's copy command), never logged or returned. A worker-only process builds it
   * from the configuration and the secret key; undefined when the service is off, or on a worker
   * whose configured port is 0 (only the API process knows the port it got).
   */
  scpServiceAccess?: ScpServiceAccess;
  temporal: Client;
  apiUrl?: string;
  /** The admin token generated in embedded mode (no NETSWIM_API_TOKENS); undefined otherwise. */
  generatedAdminToken?: string;
  worker?: Worker;
  stop(): Promise<void>;
}

/** Embedded mode: one admin token kept in the data folder, readable only by its owner. */
async function embeddedAdminToken(tokenFile: string): Promise<string> {
  try {
    return (await readFile(tokenFile, 'utf8')).trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const token = randomBytes(24).toString('base64url');
  await mkdir(dirname(tokenFile), { recursive: true });
  await writeFile(tokenFile, token + '\n', { mode: 0o600 });
  return token;
}

async function apiTokens(config: NetswimConfig): Promise<{ tokens: TokenTable; generated?: string }> {
  if (config.api.tokens) return { tokens: parseApiTokens(config.api.tokens) };
  if (config.databaseUrl) throw new Error('NETSWIM_API_TOKENS is required when netswim runs on PostgreSQL (production mode)');
  const generated = await embeddedAdminToken(config.api.tokenFile);
  return { tokens: parseApiTokens(`admin:${generated}`), generated };
}

/** `host:port` or `[v6]:port` (a Temporal address) as a listener; undefined when it is neither. */
function listenerAt(name: string, address: string): OwnListener | undefined {
  const match = /^\[?([^\]]*?)\]?:(\d+)$/.exec(address);
  return match?.[1] !== undefined ? { name, host: match[1], port: Number(match[2]) } : undefined;
}

function listenerOfUrl(name: string, text: string, defaultPort: number): OwnListener {
  const url = new URL(text);
  return { name, host: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port ? Number(url.port) : defaultPort };
}

export async function startNetswim(options: NetswimOptions): Promise<Netswim> {
  const { config, logger } = options;
  const stops: Array<() => Promise<void>> = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch((error: Error) => logger.warn('shutdown step failed', { error: error.message }));
  };
  try {
    const db = await openDatabase({ ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : { pgliteDataDir: config.pgliteDataDir }) });
    stops.push(() => db.close());
    const secretKey = await loadSecretKey(config.secretKey, config.secretKeyFile);
    const secretBox = createSecretBox(secretKey);
    const imageStore = options.imageStore ?? new ImageStore(config.imageDir);
    const runApi = options.runApi ?? true;
    // netswim's own services, which no URL import may reach (filled in as they start: ports may be 0 until then).
    const ownListeners: OwnListener[] = [];
    const temporalListener = listenerAt('Temporal frontend', options.temporalAddress);
    if (temporalListener) ownListeners.push(temporalListener);
    if (config.databaseUrl) ownListeners.push(listenerOfUrl('database', config.databaseUrl, 5432));
    if (config.api.port) ownListeners.push({ name: 'API', host: config.api.host, port: config.api.port });
    const importGuard: ImportGuard = { allow: config.importAllow, ownListeners: () => ownListeners };
    let imageService: ImageService | undefined;
    let imageServiceUrl: string;
    if (runApi) {
      const { tlsFiles, ...listen } = config.imageService;
      const tls = tlsFiles ? { cert: await readFile(tlsFiles.cert), key: await readFile(tlsFiles.key) } : undefined;
      imageService = await startImageService(imageStore, logger.child({ component: 'image-service' }), { ...listen, ...(tls ? { tls } : {}) });
      const service = imageService;
      stops.push(() => service.close());
      imageServiceUrl = imageService.url;
      ownListeners.push({ name: 'image service', ...imageService.listening });
    } else {
      imageServiceUrl = config.imageService.publicUrl ?? `${config.imageService.tlsFiles ? 'https' : 'http'}://${config.imageService.host}:${config.imageService.port}`;
    }
    ownListeners.push(listenerOfUrl('image service', imageServiceUrl, imageServiceUrl.startsWith('https:') ? 443 : 80));
    let scpService: ScpService | undefined;
    let scpServiceAccess: ScpServiceAccess | undefined;
    if (config.scpService && runApi) {
      const { hostKeyFile, ...listen } = config.scpService;
      scpService = await startScpService(imageStore, logger.child({ component: 'scp-service' }), {
        ...listen,
        hostKey: await loadOrCreateHostKey(hostKeyFile),
        password: scpServicePassword(secretKey),
      });
      const service = scpService;
      stops.push(() => service.close());
      scpServiceAccess = scpService.access;
      ownListeners.push({ name: 'SCP service', ...scpService.listening });
    } else if (config.scpService && (config.scpService.publicPort ?? config.scpService.port) !== 0) {
      const { host, port, publicHost, publicPort } = config.scpService;
      scpServiceAccess = { host: publicHost ?? host, port: publicPort ?? port, username: SCP_SERVICE_USER, password: scpServicePassword(secretKey) };
    }

    if (scpServiceAccess) ownListeners.push({ name: 'SCP service', host: scpServiceAccess.host, port: scpServiceAccess.port });

    const connection = await Connection.connect({ address: options.temporalAddress });
    stops.push(() => connection.close());
    const temporal = new Client({ connection, namespace: config.namespace });

    const netswim: Netswim = { db, secretBox, imageStore, imageServiceUrl, temporal, stop };
    if (imageService) netswim.imageService = imageService;
    if (scpService) netswim.scpService = scpService;
    if (scpServiceAccess) netswim.scpServiceAccess = scpServiceAccess;

    if (options.runWorker ?? true) {
      const { worker, connection: workerConnection } = await createNetswimWorker({
        temporalAddress: options.temporalAddress,
        namespace: config.namespace,
        taskQueue: config.taskQueue,
        activities: { db, secretBox, imageStore, imageServiceUrl, ...(scpServiceAccess ? { scpService: scpServiceAccess } : {}), logger: logger.child({ component: 'activities' }) },
        imageImport: { db, secretBox, imageStore, maxImageBytes: config.maxImageBytes, insecureTls: config.importInsecureTls, guard: importGuard, logger: logger.child({ component: 'image-import' }) },
        ...(config.itsm ? { itsm: createItsmClient(config.itsm) } : {}),
        progressIntervalSeconds: config.progressIntervalSeconds,
      });
      const running = worker.run();
      stops.push(async () => {
        if (worker.getState() === 'RUNNING') worker.shutdown();
        await running;
        await workerConnection.close();
      });
      netswim.worker = worker;
      await ensureInventorySchedule(temporal, { taskQueue: config.taskQueue, every: config.inventoryEvery, logger: logger.child({ component: 'inventory-schedule' }) });
    }

    if (runApi) {
      const { tokens, generated } = await apiTokens(config);
      const app = createApi({ db, secretBox, imageStore, temporal, taskQueue: config.taskQueue, tokens, maxImageBytes: config.maxImageBytes, importGuard, trustForwardedFor: config.api.trustForwardedFor, logger: logger.child({ component: 'api' }), ...(config.itsm ? { itsm: config.itsm } : {}) });
      const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
        const s = serve({ fetch: app.fetch, hostname: config.api.host, port: config.api.port }, () => resolve(s));
        s.once('error', reject);
      });
      // Image uploads of several GB take longer than Node's default request timeout.
      if ('requestTimeout' in server) server.requestTimeout = 60 * 60_000;
      stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
      const { port } = server.address() as AddressInfo;
      ownListeners.push({ name: 'API', host: config.api.host, port });
      netswim.apiUrl = `http://${config.api.host}:${port}`;
      if (generated) netswim.generatedAdminToken = generated;
    }
    return netswim;
  } catch (error) {
    await stop();
    throw error;
  }
}
