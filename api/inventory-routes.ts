// Inventory runs: on demand through the API, and on the Temporal schedule (workers/inventory-schedule.ts).
import { randomUUID } from 'node:crypto';
import { ScheduleNotFoundError, type Client } from '@temporalio/client';
import type { Hono } from 'hono';
import { listInventoryTargets } from '../store/devices.ts';
import { INVENTORY_SCHEDULE_ID, inventoryProgressQuery, inventoryWorkflowId, type InventoryProgress, type InventoryRunInput } from '../workflows/definitions.ts';
import type { inventoryFleet } from '../workflows/inventory.ts';
import { parseJson, parseValue, pathRest, type Env, type RouteDeps } from './request.ts';
import { InventoryRunBody, InventoryWorkflowIdParam } from './schemas.ts';
import { closedReason, findExecution, timesOf } from './workflow-view.ts';

export interface InventoryRouteDeps extends RouteDeps {
  temporal: Client;
  taskQueue: string;
}

export function registerInventoryRoutes(app: Hono<Env>, deps: InventoryRouteDeps): void {
  app.post('/inventory', deps.operate, deps.jsonLimit, async (c) => {
    const body = await parseJson(c, InventoryRunBody);
    if (!body.ok) return body.response;
    const names = body.value.devices;
    const targets = await listInventoryTargets(deps.db, names);
    if (names) {
      const found = new Set(targets.map((t) => t.hostname));
      const unknown = names.filter((n) => !found.has(n));
      if (unknown.length > 0) return c.json({ error: `no device ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ` and ${unknown.length - 20} more` : ''}` }, 404);
    }
    if (targets.length === 0) return c.json({ error: 'there are no devices to inventory' }, 422);
    const workflowId = inventoryWorkflowId(randomUUID());
    const input: InventoryRunInput = { trigger: 'api', ...(names ? { hostnames: names } : {}) };
    await deps.temporal.workflow.start<typeof inventoryFleet>('inventoryFleet', {
      workflowId,
      taskQueue: deps.taskQueue,
      args: [input],
      staticSummary: `Inventory of ${names ? `${names.length} device(s)` : 'every device'}`,
      staticDetails: `Requested by ${c.get('role')}`,
    });
    deps.logger.info('inventory started', { workflowId, devices: targets.length });
    return c.json({ workflowId, devices: targets.length }, 202);
  });

  // The schedule: how often, when next, and the runs it started lately.
  app.get('/inventory/schedule', deps.read, async (c) => {
    try {
      const schedule = await deps.temporal.schedule.getHandle(INVENTORY_SCHEDULE_ID).describe();
      return c.json({
        scheduleId: INVENTORY_SCHEDULE_ID,
        every: schedule.spec.intervals?.map((i) => i.every) ?? [],
        paused: schedule.state.paused,
        nextRuns: schedule.info.nextActionTimes.slice(0, 3).map((t) => t.toISOString()),
        recentRuns: schedule.info.recentActions.map((a) => ({ workflowId: a.action.workflow.workflowId, scheduledAt: a.scheduledAt.toISOString() })),
      });
    } catch (error) {
      if (error instanceof ScheduleNotFoundError) return c.json({ error: 'no inventory schedule (NETSWIM_INVENTORY_EVERY=off, or no worker has started yet)' }, 404);
      throw error;
    }
  });

  app.get('/inventory/*', deps.read, async (c) => {
    const id = parseValue(c, InventoryWorkflowIdParam, pathRest(c, '/inventory/'));
    if (!id.ok) return id.response;
    const execution = await findExecution(deps.temporal, id.value);
    if (!execution || execution.description.type !== 'inventoryFleet') return c.json({ error: `no inventory run ${id.value}` }, 404);
    const { handle, description } = execution;
    const status = description.status.name;
    const view: { workflowId: string; execution: string; progress?: InventoryProgress; error?: string } = { workflowId: id.value, execution: status, ...timesOf(description) };
    if (status === 'RUNNING') view.progress = await handle.query(inventoryProgressQuery);
    else if (status === 'COMPLETED') view.progress = (await handle.result()) as InventoryProgress;
    else view.error = await closedReason(handle);
    return c.json(view);
  });
}
