// Inventory of the fleet (or of named devices): reads every device, a bounded number at a time,
// and records what each runs. A device that cannot be read is recorded as failed with the reason;
// the run goes on. Long runs continue as new so that 10,000 devices stay within history limits.
import {
  ActivityFailure,
  continueAsNew,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { InventoryActivities, InventoryTarget } from '../activities/inventory.ts';
import { inventoryProgressQuery, type InventoryProgress, type InventoryRunInput } from './definitions.ts';

const records = proxyActivities<InventoryActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

// A read is three or four show commands; an unreachable device fails after a few tries, and the
// next scheduled run tries it again.
const reads = proxyActivities<InventoryActivities>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '2 seconds', maximumAttempts: 3, nonRetryableErrorTypes: ['DeviceOutputError', 'DeviceAuthenticationFailed', 'UnknownDevice'] },
});

const DEFAULT_CONCURRENCY = 25;
/** Failures kept with their reason; beyond that only counted (the record has each device's). */
const MAX_LISTED_FAILURES = 200;
/** Devices read per workflow run before continuing as new (about 4 history events each). */
const DEVICES_PER_RUN = 1_000;

export async function inventoryFleet(input: InventoryRunInput): Promise<InventoryProgress> {
  const progress: InventoryProgress = input.progress ?? { trigger: input.trigger, total: 0, done: 0, succeeded: 0, failed: 0, failures: [] };
  setHandler(inventoryProgressQuery, () => progress);
  let pending: InventoryTarget[] | undefined = input.pending;
  if (!pending) {
    pending = await records.listInventoryTargets(input.hostnames);
    progress.total = pending.length;
  }
  const show = () => setCurrentDetails(`**inventory** (${progress.trigger}): ${progress.done}/${progress.total} devices read, ${progress.failed} failed`);
  show();

  const batch = pending.slice(0, DEVICES_PER_RUN);
  const rest = pending.slice(DEVICES_PER_RUN);
  let next = 0;
  const concurrency = Math.max(1, Math.min(input.concurrency ?? DEFAULT_CONCURRENCY, 200));
  const lane = async (): Promise<void> => {
    while (next < batch.length) {
      const device = batch[next++]!;
      try {
        await reads.inventoryDevice(device.id);
        progress.succeeded++;
      } catch (error) {
        const reason = innermostMessage(error);
        progress.failed++;
        if (progress.failures.length < MAX_LISTED_FAILURES) progress.failures.push({ hostname: device.hostname, reason });
        await records.recordInventoryFailure({ deviceId: device.id, reason });
      }
      progress.done++;
      show();
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, lane));

  if (rest.length > 0) {
    return continueAsNew<typeof inventoryFleet>({ ...input, pending: rest, progress, continuedFrom: workflowInfo().runId });
  }
  return progress;
}

/** ActivityFailure wraps the activity's own error; the record wants the inner message. */
function innermostMessage(error: unknown): string {
  let current: unknown = error instanceof ActivityFailure ? error.cause ?? error : error;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  return current instanceof Error ? current.message : String(current);
}
