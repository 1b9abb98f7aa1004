// netswim as a test uses it: real PGlite in a temp folder, real image service and API on
// loopback ports chosen by the OS, a real worker on its own task queue.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../runtime/config.ts';
import { createLogger } from '../../runtime/logger.ts';
import { startNetswim, type Netswim } from '../../runtime/netswim.ts';

export interface TestNetswim extends Netswim {
  dataDir: string;
  apiUrl: string;
  token: string;
  /** fetch against the API with the admin token. */
  api(path: string, init?: RequestInit): Promise<Response>;
  stopAll(): Promise<void>;
}

export async function startTestNetswim(temporalAddress: string, options: { runWorker?: boolean } = {}): Promise<TestNetswim> {
  const dataDir = await mkdtemp(join(tmpdir(), 'netswim-test-'));
  const config = loadConfig({
    NETSWIM_DATA_DIR: dataDir,
    NETSWIM_API_PORT: '0',
    NETSWIM_IMAGE_SERVICE_PORT: '0',
    NETSWIM_TASK_QUEUE: `test-${randomUUID().slice(0, 8)}`,
    NETSWIM_MAX_IMAGE_BYTES: String(64 * 1024 * 1024),
  });
  const logger = createLogger({ level: 'warn' });
  const netswim = await startNetswim({ config, temporalAddress, logger, runWorker: options.runWorker ?? true });
  const apiUrl = netswim.apiUrl!;
  const token = netswim.generatedAdminToken!;
  return {
    ...netswim,
    dataDir,
    apiUrl,
    token,
    api: (path, init = {}) => fetch(apiUrl + path, { ...init, headers: { authorization: `Bearer ${token}`, ...(init.headers as Record<string, string> | undefined) } }),
    async stopAll() {
      await netswim.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
