// Rescheduling a waiting upgrade through its `reschedule` workflow update. The workflow's
// validator decides (domain/plan.ts rescheduleRefusal); its refusal comes back as a 409.
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import type { UpgradePlan } from '../domain/plan.ts';
import { rescheduleUpdate } from '../workflows/definitions.ts';
import { findExecution } from './workflow-view.ts';

export type RescheduleResult = { ok: true; plan: UpgradePlan } | { ok: false; status: 404 | 409; error: string };

export async function reschedule(client: Client, workflowId: string, plan: UpgradePlan): Promise<RescheduleResult> {
  const execution = await findExecution(client, workflowId);
  if (!execution || execution.description.type !== 'deviceUpgrade') return { ok: false, status: 404, error: `no upgrade ${workflowId}` };
  if (execution.description.status.name !== 'RUNNING') return { ok: false, status: 409, error: `${workflowId} is ${execution.description.status.name.toLowerCase()}: there is nothing left to reschedule` };
  try {
    return { ok: true, plan: await execution.handle.executeUpdate(rescheduleUpdate, { args: [plan] }) };
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError) {
      const cause = error.cause instanceof Error ? error.cause.message : error.message;
      return { ok: false, status: 409, error: `cannot reschedule: ${cause}` };
    }
    throw error;
  }
}
