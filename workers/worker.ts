// Builds the netswim worker: the workflow bundle plus the activities bound to their dependencies.
import { fileURLToPath } from 'node:url';
import { Worker as Thread } from 'node:worker_threads';
import { NativeConnection, Worker, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import { createCampaignActivities } from '../activities/campaign.ts';
import { createUpgradeActivities, type UpgradeActivityDeps } from '../activities/device-upgrade.ts';
import { createImageImportActivities, type ImageImportActivityDeps } from '../activities/image-import.ts';
import { createInventoryActivities } from '../activities/inventory.ts';
import { createWindowActivities } from '../activities/windows.ts';
import { createWorkflowControlActivities } from '../activities/workflow-control.ts';
import { createItsmActivities } from '../activities/itsm.ts';
import type { ItsmClient } from '../itsm/client.ts';
import { createSiteDistributionActivities } from '../activities/site-distribution.ts';

export const DEFAULT_TASK_QUEUE = 'netswim';

const WORKFLOWS_PATH = fileURLToPath(new URL('../workflows/index.ts', import.meta.url));

let bundle: Promise<WorkflowBundleWithSourceMap> | undefined;

/** Bundles workflow code once per process (webpack takes seconds); workers reuse it. */
export function workflowBundle(): Promise<WorkflowBundleWithSourceMap> {
  bundle ??= bundleInThread();
  return bundle;
}

/** webpack runs in a thread of its own (workers/bundle-thread.mjs): its memory ends with the thread. */
function bundleInThread(): Promise<WorkflowBundleWithSourceMap> {
  return new Promise((resolve, reject) => {
    const thread = new Thread(new URL('./bundle-thread.mjs', import.meta.url), { workerData: { workflowsPath: WORKFLOWS_PATH } });
    thread.once('message', (result: WorkflowBundleWithSourceMap) => resolve(result));
    thread.once('error', reject);
    thread.once('exit', (code) => reject(new Error(`bundling the workflow code failed: its thread exited with code ${code}`)));
  });
}

export interface WorkerOptions {
  temporalAddress: string;
  namespace: string;
  taskQueue: string;
  activities: UpgradeActivityDeps;
  /** URL imports (downloadImage). */
  imageImport: ImageImportActivityDeps;
  /** The ITSM Table API client (credentials inside); absent when the integration is off. */
  itsm?: ItsmClient;
  /** Sticky-cache and concurrency knobs for small machines and tests. */
  maxConcurrentActivityTaskExecutions?: number;
  /** How often heartbeats (transfer progress) go to the server; NETSWIM_PROGRESS_INTERVAL. */
  progressIntervalSeconds?: number;
}

export async function createNetswimWorker(options: WorkerOptions): Promise<{ worker: Worker; connection: NativeConnection }> {
  const connection = await NativeConnection.connect({ address: options.temporalAddress });
  const worker = await Worker.create({
    connection,
    namespace: options.namespace,
    taskQueue: options.taskQueue,
    workflowBundle: await workflowBundle(),
    activities: {
      ...createUpgradeActivities(options.activities),
      ...createImageImportActivities(options.imageImport),
      ...createInventoryActivities(options.activities),
      ...createWindowActivities(options.activities),
      ...createWorkflowControlActivities(),
      ...createSiteDistributionActivities(options.activities),
      ...createCampaignActivities(options.activities),
      ...createItsmActivities({ db: options.activities.db, logger: options.activities.logger, ...(options.itsm ? { itsm: options.itsm } : {}) }),
    },
    maxConcurrentActivityTaskExecutions: options.maxConcurrentActivityTaskExecutions ?? 100,
    // Heartbeats carry transfer progress that the API shows; the default throttle (most of the
    // heartbeat timeout) would leave it a minute stale. Each one is a write on the server: every
    // 2 s, 50 copies cost it about 5 CPU s in a 75-s distribution (docs/bench-results.md), so 10 s
    // by default.
    maxHeartbeatThrottleInterval: `${options.progressIntervalSeconds ?? 10} seconds`,
    defaultHeartbeatThrottleInterval: `${options.progressIntervalSeconds ?? 10} seconds`,
  });
  return { worker, connection };
}
