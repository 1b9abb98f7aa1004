// The Temporal schedule that inventories the fleet every NETSWIM_INVENTORY_EVERY. Created or
// brought up to date when a worker starts; removed when the setting is `off`. Runs never overlap:
// a run still going when the next one is due makes that one skip.
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import type { Logger } from '../runtime/logger.ts';
import type { inventoryFleet } from '../workflows/inventory.ts';
import { INVENTORY_SCHEDULE_ID } from '../workflows/definitions.ts';

export interface InventoryScheduleOptions {
  taskQueue: string;
  /** 30m, 6h, 1d…; undefined removes the schedule. */
  every: string | undefined;
  logger: Logger;
}

function scheduleOptions(taskQueue: string, every: string): ScheduleOptions {
  return {
    scheduleId: INVENTORY_SCHEDULE_ID,
    spec: { intervals: [{ every: every as `${number}${'s' | 'm' | 'h' | 'd'}` }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'inventoryFleet' satisfies (typeof inventoryFleet)['name'],
      workflowId: 'inventory/scheduled',
      taskQueue,
      args: [{ trigger: 'schedule' }],
      staticSummary: 'Scheduled inventory of every device',
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: '1 minute' },
    memo: { purpose: `netswim inventory every ${every}` },
  };
}

export async function ensureInventorySchedule(client: Client, options: InventoryScheduleOptions): Promise<void> {
  const handle = client.schedule.getHandle(INVENTORY_SCHEDULE_ID);
  if (!options.every) {
    try {
      await handle.delete();
      options.logger.info('inventory schedule removed (NETSWIM_INVENTORY_EVERY=off)');
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
    return;
  }
  const wanted = scheduleOptions(options.taskQueue, options.every);
  try {
    await client.schedule.create(wanted);
    options.logger.info('inventory schedule created', { every: options.every });
  } catch (error) {
    if (!(error instanceof ScheduleAlreadyRunning)) throw error;
    // Another worker (or an earlier start) made it: bring interval and task queue up to date.
    await handle.update((current) => ({ ...current, spec: wanted.spec, action: { ...current.action, ...wanted.action } }));
    options.logger.info('inventory schedule updated', { every: options.every });
  }
}
