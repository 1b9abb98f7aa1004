// netswim as a test uses it: real PGlite (or PostgreSQL) in a temp folder, real image service and
// API on loopback ports, a real worker on its own task queue.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../runtime/config.ts';
import { createLogger } from '../../runtime/logger.ts';
import type { ImageStore } from '../../images/image-store.ts';
import { startNetswim, type Netswim } from '../../runtime/netswim.ts';

export interface TestNetswim extends Netswim {
  dataDir: string;
  /** fetch against the API with an admin token (API instances only). */
  api(path: string, init?: RequestInit): Promise<Response>;
  stopAll(): Promise<void>;
}

export interface TestNetswimOptions {
  runWorker?: boolean;
  runApi?: boolean;
  /** Extra environment, e.g. DATABASE_URL, NETSWIM_API_TOKENS, a shared task queue. */
  env?: Record<string, string>;
  /** The admin token when NETSWIM_API_TOKENS is given in env. */
  adminToken?: string;
  /** An image store of the test's own (e.g. on a small tmpfs) instead of one in the data folder. */
  imageStore?: ImageStore;
}

export async function startTestNetswim(temporalAddress: string, options: TestNetswimOptions = {}): Promise<TestNetswim> {
  const dataDir = await mkdtemp(join(tmpdir(), 'netswim-test-'));
  const config = loadConfig({
    NETSWIM_DATA_DIR: dataDir,
    NETSWIM_API_PORT: '0',
    NETSWIM_IMAGE_SERVICE_PORT: '0',
    NETSWIM_SCP_SERVICE_PORT: '0',
    NETSWIM_TASK_QUEUE: `test-${randomUUID().slice(0, 8)}`,
    NETSWIM_MAX_IMAGE_BYTES: String(64 * 1024 * 1024),
    ...options.env,
  });
  const logger = createLogger({ level: 'warn' });
  const netswim = await startNetswim({ config, temporalAddress, logger, runWorker: options.runWorker ?? true, runApi: options.runApi ?? true, ...(options.imageStore ? { imageStore: options.imageStore } : {}) });
  const token = netswim.generatedAdminToken ?? options.adminToken ?? '';
  return {
    ...netswim,
    dataDir,
    api: (path, init = {}) => {
      if (!netswim.apiUrl) throw new Error('this netswim instance runs no API');
      return fetch(netswim.apiUrl + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } });
    },
    async stopAll() {
      await netswim.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
